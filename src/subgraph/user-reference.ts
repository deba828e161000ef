/** A reference to a user owned by the identity module (`User @key(fields: "id", resolvable: false)`). */
export interface UserReference {
  id: string;
}
