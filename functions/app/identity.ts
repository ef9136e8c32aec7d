/**
 * The signed-in user as the services see it: a domain value, whatever verified it (the API's authorizer on AWS, the
 * development identity of `dunghan serve`). A user sees and acts on their unit and the units under it; the provincial
 * office (role `province`) sees all.
 */

export const ROLES = ['viewer', 'head', 'province'] as const;
export type Role = (typeof ROLES)[number];

export interface Viewer {
  /** The identity provider's subject (an id, never a name). */
  userId: string;
  unitId: string;
  /** viewer: reads; head: reads and acts for the unit (the head or a delegate); province: all units. */
  role: Role;
}

/** The development identity of the local server: the provincial office. */
export const LOCAL_PROVINCE: Viewer = { userId: 'local', unitId: 'local-province', role: 'province' };
