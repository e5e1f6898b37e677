/**
 * What the page shows while someone walks an iteration's stages: only what exists after the
 * stage on show. Before the update, the charts still end at the previous iteration and the
 * policy on show is the one that sampled; the responses appear at the stage that draws them,
 * their scores at the stage that scores them, PPO's advantages at its advantages stage, and
 * from the update on the policy before and after side by side. With no walk on, everything.
 */
import type { StageRoles } from '../core/method_info';

export interface StageView {
  /** The latest iteration's point is on the charts (false: they end at the previous iteration). */
  chartsIncludeLatest: boolean;
  /** The inspector's responses exist; else `drawnAt` says where they will be drawn. */
  responses: boolean;
  drawnAt: string;
  /** The reward and win columns. */
  scores: boolean;
  /** The labelled pairs a pairwise method trains on (shown during a walk only). */
  pairs: boolean;
  /** The per-token reward and advantage row (methods that compute them). */
  advantages: boolean;
  /** The policy on show is the updated one (else the one before this iteration's update). */
  after: boolean;
  /** Before and after side by side: a walk at or past the update. */
  compare: boolean;
}

/** No walk on: everything, the policy after the update; no advantages row or pairs (a stage's detail). */
export const FULL_VIEW: StageView = { chartsIncludeLatest: true, responses: true, drawnAt: '', scores: true, pairs: false, advantages: false, after: true, compare: false };

/**
 * The view for a walk standing on stage `shown` of an iteration whose stages are `stages`
 * (null: no walk on). A role the iteration does not mark counts as reached.
 */
export function stageView(roles: StageRoles, stages: readonly string[], shown: number | null): StageView {
  if (shown === null) return { ...FULL_VIEW, drawnAt: roles.drawn };
  const reached = (name: string | null | undefined): boolean => {
    if (name == null) return false;
    const at = stages.indexOf(name);
    return at < 0 || shown >= at;
  };
  const responses = reached(roles.drawn);
  const moved = roles.moved === null || reached(roles.moved);
  return {
    chartsIncludeLatest: moved,
    responses,
    drawnAt: roles.drawn,
    scores: responses && (roles.scored === undefined || reached(roles.scored)),
    pairs: reached(roles.paired),
    advantages: responses && reached(roles.advantages),
    after: moved,
    compare: roles.moved !== null && moved,
  };
}
