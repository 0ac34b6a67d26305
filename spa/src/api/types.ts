// The REST API's shapes, as the SPA uses them (README.md, "Endpoints so far").

export interface Person {
  id: string;
  email: string;
  display_name: string;
}

export interface Me extends Person {
  roles: string[];
  teams: { id: string; name: string }[];
  permissions: string[];
  csrf_token: string;
}

export type SlaState = 'ok' | 'at_risk' | 'paused' | 'met' | 'breached';

export interface SlaClock {
  state: SlaState;
  due_at: string | null;
  met_at: string | null;
  target_ms: number;
  elapsed_ms: number;
  remaining_ms: number;
}

export interface Sla {
  state: SlaState;
  paused: boolean;
  reason: string | null;
  policy: { id: string; name: string } | null;
  response: SlaClock | null;
  resolution: SlaClock | null;
}

export interface TicketSummary {
  id: string;
  number: string;
  title: string;
  status: string;
  priority: string;
  urgency: number | null;
  category: string | null;
  subcategory: string | null;
  requester_id: string;
  assignee_id: string | null;
  team_id: string | null;
  version: number;
  created_at: string;
  updated_at: string;
  sla: Sla | null;
}

export interface Ticket extends TicketSummary {
  description: string | null;
  requester: Person | null;
  assignee: Person | null;
  team: { id: string; name: string } | null;
  custom_json: Record<string, unknown>;
}

export interface TicketPage {
  items: TicketSummary[];
  next_cursor: string | null;
}

export type TimelineItem =
  | { type: 'comment'; at: string; actor: Person | null; id: string; body_md: string; is_internal: boolean }
  | { type: 'status'; at: string; actor: Person | null; from: string | null; to: string; note: string | null }
  /** Field changes by a person: each changed field's [before, after]. */
  | { type: 'fields'; at: string; actor: Person | null; changes: Record<string, [unknown, unknown]> }
  /** A notification mail (agents only). */
  | {
      type: 'email'; at: string; id: string; kind: string; to: string; subject: string;
      status: 'queued' | 'sending' | 'sent' | 'failed'; attempts: number; last_error: string | null; sent_at: string | null;
    }
  /** The requester's answer to the satisfaction survey, as it stands. */
  | { type: 'csat'; at: string; score: 'good' | 'bad'; comment: string | null };

export interface WorkflowStatus {
  key: string;
  label: string;
  category: 'open' | 'paused' | 'resolved' | 'closed';
  sort_order: number;
}

export interface Workflow {
  statuses: WorkflowStatus[];
  transitions: { from: string; to: string }[];
}

export interface Team {
  id: string;
  name: string;
}

export interface User extends Person {
  active: boolean;
  roles: string[];
  teams: Team[];
}

export interface SavedReply {
  id: string;
  title: string;
  body_md: string;
  shared: boolean;
}

export interface Attachment {
  id: string;
  ticket_id: string;
  comment_id: string | null;
  filename: string;
  bytes: number;
  mime: string;
  sha256: string;
  uploader: { id: string; display_name: string } | null;
  created_at: string;
  /** GET it to download: always served as a file (Content-Disposition: attachment). */
  url: string;
}

/** A custom ticket field (GET /api/custom-fields); its value lives in a ticket's custom_json. */
export interface CustomField {
  key: string;
  label: string;
  type: CustomFieldType;
  required: boolean;
  options: string[];
  sort_order: number;
}

export type CustomFieldType = 'text' | 'textarea' | 'number' | 'date' | 'boolean' | 'select';

/** GET /api/admin/custom-fields: every definition, inactive ones too, with what a change needs. */
export interface AdminCustomField extends CustomField {
  id: string;
  active: boolean;
  version: number;
  created_at: string;
  updated_at: string;
}

/** GET /api/branding: public, so the login page can show it. */
export interface Branding {
  org_name: string;
  primary_color: string;
  accent_color: string;
  logo_url: string | null;
  logo_type: string | null;
  version: number;
}
