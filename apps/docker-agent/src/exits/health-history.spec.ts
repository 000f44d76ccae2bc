import { EXIT_LIMITS } from '@flotilla/contracts';
import { HealthHistory } from './health-history';

const ID = 'c'.repeat(64);

describe('HealthHistory', () => {
  it('keeps transitions, not repeats, and ignores other actions and unknown statuses', () => {
    const history = new HealthHistory();
    history.note(ID, 'health_status: starting', 't1');
    history.note(ID, 'health_status: healthy', 't2');
    history.note(ID, 'health_status: healthy', 't3');
    history.note(ID, 'exec_start: sh', 't4');
    history.note(ID, 'health_status: bogus', 't5');
    history.note(ID, 'health_status: unhealthy', 't6');
    expect(history.transitions(ID)).toEqual([
      { at: 't1', status: 'starting' },
      { at: 't2', status: 'healthy' },
      { at: 't6', status: 'unhealthy' },
    ]);
    history.forget(ID);
    expect(history.transitions(ID)).toEqual([]);
  });

  it('keeps only the newest transitions', () => {
    const history = new HealthHistory();
    for (let i = 0; i < 3 * EXIT_LIMITS.healthTransitions; i++)
      history.note(ID, `health_status: ${i % 2 === 0 ? 'healthy' : 'unhealthy'}`, `t${i}`);
    const kept = history.transitions(ID);
    expect(kept).toHaveLength(EXIT_LIMITS.healthTransitions);
    expect(kept.at(-1)?.at).toBe(`t${3 * EXIT_LIMITS.healthTransitions - 1}`);
  });
});
