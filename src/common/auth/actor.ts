export const ROLES = ['ADMIN', 'AUDITOR', 'DUO', 'SCHOOL'] as const;
export type Role = (typeof ROLES)[number];

/** Who makes a request: taken from the verified bearer token. */
export interface Actor {
  id: string;
  role: Role;
  /** Set for SCHOOL users only: the one school they act for. */
  schoolId: string | null;
}

/** The actor of work the system does by itself (checks, deadlines): audited as the system. */
export const SYSTEM_ACTOR: Actor = {
  id: '00000000-0000-0000-0000-000000000000',
  role: 'ADMIN',
  schoolId: null,
};
export const isSystemActor = (actor: Actor): boolean => actor.id === SYSTEM_ACTOR.id;
