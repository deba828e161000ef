import { z } from 'zod';
import { MAX_BULK_CREATE } from '../modules/tasks/task.service.js';
import type { InboundHandler } from './inbound-handler.js';

const priority = z
  .string()
  .transform((p) => p.toLowerCase())
  .pipe(z.enum(['low', 'medium', 'high', 'urgent'], { message: 'must be low, medium, high or urgent' }));

export const workflowSuggestedDataSchema = z.object({
  workflow_id: z.string().min(1).max(200),
  steps: z
    .array(
      z.object({
        action: z.string().trim().min(1, 'must not be empty').max(500),
        priority: priority.optional(),
        description: z.string().max(10_000).optional(),
        estimated_minutes: z.number().int().min(0).max(1_000_000).optional(),
      }),
    )
    .min(1, 'must hold at least one step')
    .max(MAX_BULK_CREATE, `must hold at most ${MAX_BULK_CREATE} steps`),
  campaign_id: z.string().min(1).max(200).optional(),
});

/** `agents.workflow.suggested` becomes one task per step, in step order (positions follow the steps). */
export const handleWorkflowSuggested: InboundHandler<z.output<typeof workflowSuggestedDataSchema>> = {
  type: 'agents.workflow.suggested',
  dataSchema: workflowSuggestedDataSchema,
  async handle(data, { tasks, actor }) {
    const created = await tasks.createTasksFromEvent(
      actor,
      data.steps.map((step) => ({
        title: step.action,
        description: step.description,
        priority: (step.priority ?? 'medium').toUpperCase(),
        estimatedMinutes: step.estimated_minutes,
        metadata: {
          source: 'ai_workflow',
          workflowId: data.workflow_id,
          ...(data.campaign_id ? { campaignId: data.campaign_id } : {}),
        },
      })),
      'ai_workflow',
    );
    return { created: created.map((t) => t.id) };
  },
};
