/** The stage walk's view of the latest iteration, from the stores (see `stageView`). */
import { stageRoles, type StageRoles } from '../core/method_info';
import { currentWalk, useLab, useStepper } from '../state';
import { stageView, type StageView } from './stageView';

export function useStageView(): { view: StageView; roles: StageRoles } {
  const history = useLab((s) => s.history);
  // The roles of the run on show (info), which a settings change not yet loaded does not alter.
  const config = useLab((s) => s.info?.config ?? s.config);
  const walk = currentWalk(
    useStepper((s) => s.walk),
    history,
  );
  const roles = stageRoles(config);
  const stages = history.at(-1)?.stages.map((s) => s.name) ?? [];
  return { view: stageView(roles, stages, walk?.stage ?? null), roles };
}
