import { z } from 'zod';
import { isoDateTime } from '../modules/common/validators.js';
import type { InboundHandler } from './inbound-handler.js';

/** Outcomes comms reports. Only `callback_requested` creates a task; an outcome outside this list is refused. */
export const CALL_OUTCOMES = [
  'callback_requested',
  'completed',
  'no_answer',
  'voicemail',
  'busy',
  'failed',
  'cancelled',
  'transferred',
] as const;

export const callEndedDataSchema = z
  .object({
    call_id: z.string().min(1).max(200),
    outcome: z.enum(CALL_OUTCOMES),
    contact: z.object({ name: z.string().trim().min(1).max(200), phone: z.string().max(50).optional() }).optional(),
    callback_time: z.string().optional(),
    campaign_id: z.string().min(1).max(200).optional(),
  })
  .superRefine((data, ctx) => {
    if (data.outcome !== 'callback_requested') return;
    if (!data.contact) ctx.addIssue({ code: 'custom', path: ['contact'], message: 'is required when a callback is requested' });
    if (!data.callback_time) ctx.addIssue({ code: 'custom', path: ['callback_time'], message: 'is required when a callback is requested' });
    else if (!isoDateTime.safeParse(data.callback_time).success) {
      ctx.addIssue({ code: 'custom', path: ['callback_time'], message: 'must be an ISO 8601 date-time' });
    }
  });

/**
 * `comms.call.ended` with outcome `callback_requested` becomes a HIGH priority "Call back {name}" task due at the
 * callback time, owned by the user who took the call. Other outcomes are acknowledged without a task.
 */
export const handleCallEnded: InboundHandler<z.output<typeof callEndedDataSchema>> = {
  type: 'comms.call.ended',
  dataSchema: callEndedDataSchema,
  async handle(data, { tasks, actor }) {
    if (data.outcome !== 'callback_requested') return { created: [] };
    const phone = data.contact?.phone ? ` (phone: ${data.contact.phone})` : '';
    const created = await tasks.createTasksFromEvent(
      actor,
      [
        {
          title: `Call back ${data.contact!.name}`,
          description: `Scheduled callback at ${data.callback_time}${phone}`,
          dueDate: data.callback_time,
          priority: 'HIGH',
          metadata: { source: 'call', callId: data.call_id, ...(data.campaign_id ? { campaignId: data.campaign_id } : {}) },
        },
      ],
      'call_callback',
    );
    return { created: created.map((t) => t.id) };
  },
};
