/** Schedule operations (Workspace.schedules, upsertSchedule, deleteSchedule), as in API.md. */
import { gql } from "urql";

export interface ScheduleRow {
  id: string;
  cron: string;
  timezone: string;
  input: unknown;
  enabled: boolean;
  /** Empty while the schedule is disabled. */
  nextFireTimes: string[];
  agent: { id: string; name: string; liveVersion: { id: string; number: number } | null };
}

const SCHEDULE_FIELDS = `
  id
  cron
  timezone
  input
  enabled
  nextFireTimes
  agent {
    id
    name
    liveVersion {
      id
      number
    }
  }
`;

export const SCHEDULES = gql`
  query Schedules($id: ID!) {
    workspace(id: $id) {
      id
      schedules {
        ${SCHEDULE_FIELDS}
      }
    }
  }
`;
export type SchedulesData = { workspace: { id: string; schedules: ScheduleRow[] } | null };

/** One schedule per agent: creates it, or replaces the agent's existing one. */
export const UPSERT_SCHEDULE = gql`
  mutation UpsertSchedule($agentId: ID!, $cron: String!, $timezone: String, $input: JSON, $enabled: Boolean) {
    upsertSchedule(agentId: $agentId, cron: $cron, timezone: $timezone, input: $input, enabled: $enabled) {
      ${SCHEDULE_FIELDS}
    }
  }
`;
export type UpsertScheduleData = { upsertSchedule: ScheduleRow };

export const DELETE_SCHEDULE = gql`
  mutation DeleteSchedule($id: ID!) {
    deleteSchedule(id: $id)
  }
`;
