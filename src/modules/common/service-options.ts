/** What a use-case service may be given besides its EntityManager. */
export interface ServiceOptions {
  /** The clock (tests freeze it). */
  now?: () => Date;
  /** Headers the request's events carry to the bus (e.g. `x-request-id`), so one id follows a change to its events. */
  eventHeaders?: Record<string, string>;
}
