import { Box, Text, useApp, useInput, useStdin, useStdout } from 'ink';
import { useEffect, useRef, useState } from 'react';
import { openDb } from '../store/db';
import { DEFAULT_METHOD, type Method } from '../surrogate/surrogate';
import { experimentStats } from '../report/stats';
import { type DashboardAnswer, dashboardAnswer } from './forecasts';
import { fullTrainingSizes, METRICS, type Metric, readSnapshot, type Snapshot } from './snapshot';
import { Curves } from './views/Curves';
import { Grid } from './views/Grid';
import { Job } from './views/Job';
import { Overview } from './views/Overview';
import { Stats, type StatsState } from './views/Stats';
import { VIEWS, type View } from './viewNames';

export { VIEWS, type View };

export interface ViewState {
  view: View;
  metric: Metric;
  /** the model whose band and plateau the curves view shows */
  curve: number;
  /** the job the job view shows (an index into snap.cells) */
  job: number;
}

export const initialViewState: ViewState = { view: 'overview', metric: 'dice', curve: 0, job: 0 };

/** What a key does to the view state (pure, so tests can check the key map without a terminal). */
export function onKey(s: ViewState, input: string, key: { tab?: boolean; shift?: boolean; leftArrow?: boolean; rightArrow?: boolean; upArrow?: boolean; downArrow?: boolean }, jobs: number): ViewState {
  const at = VIEWS.indexOf(s.view);
  if ((key.tab && !key.shift) || key.rightArrow) return { ...s, view: VIEWS[(at + 1) % VIEWS.length] };
  if ((key.tab && key.shift) || key.leftArrow) return { ...s, view: VIEWS[(at + VIEWS.length - 1) % VIEWS.length] };
  const n = Number.parseInt(input, 10);
  if (n >= 1 && n <= VIEWS.length) return { ...s, view: VIEWS[n - 1] };
  const step = key.downArrow ? 1 : key.upArrow ? -1 : 0;
  if (!step) return s;
  if (s.view === 'grid') return { ...s, metric: METRICS[(METRICS.indexOf(s.metric) + step + METRICS.length) % METRICS.length] };
  if (s.view === 'curves') return { ...s, curve: s.curve + step };
  if (s.view === 'job') return { ...s, job: Math.min(Math.max(0, s.job + step), Math.max(0, jobs - 1)) };
  return s;
}

function Tabs({ view, colour }: { view: View; colour: boolean }) {
  return (
    <Text>
      {VIEWS.map((v, i) => (
        <Text key={v} inverse={v === view} bold={v === view} color={colour && v === view ? 'cyan' : undefined}>{` ${i + 1} ${v} `}</Text>
      ))}
    </Text>
  );
}

export interface DashboardViewProps {
  snap: Snapshot;
  colour: boolean;
  state?: ViewState;
  /** the answer engine on the results so far (the overview's answer, the curves view's forecasts); null while fitting */
  answer?: DashboardAnswer | null;
  stats?: StatsState;
  width?: number;
  height?: number;
  /** set when the run has ended (no queued or running jobs) */
  finished?: boolean;
  /** the run that shows this prints the whole answer when it ends: a finished frame leaves it out of the overview, so it is not on screen twice (once cut to the width) */
  answerBelow?: boolean;
  /** printed once, not on a terminal: no keys to press, so no key line, and the view is as tall as its content (not padded to the height) */
  printed?: boolean;
}

/** One frame: a title with the view tabs, the view, and the keys. Fits in width × height. */
export function DashboardView(p: DashboardViewProps) {
  const s = p.state ?? initialViewState;
  const width = p.width ?? 80;
  const height = p.height ?? 24;
  const body = Math.max(4, height - 4);
  const c = p.snap.counts;
  const ended = c.total > 0 && c.queued + c.running === 0;
  return (
    <Box flexDirection="column" width={width}>
      <Box justifyContent="space-between">
        <Text bold wrap="truncate-end">{`plateau · ${p.snap.experiment}${ended ? ' · finished' : ''}`}</Text>
        <Tabs view={s.view} colour={p.colour} />
      </Box>
      <Box flexDirection="column" height={p.printed ? undefined : body} marginTop={1}>
        {s.view === 'overview' ? <Overview snap={p.snap} colour={p.colour} width={width} height={body} answer={ended && p.answerBelow ? undefined : p.answer} /> : null}
        {s.view === 'grid' ? <Grid snap={p.snap} metric={s.metric} colour={p.colour} height={body} /> : null}
        {s.view === 'curves' ? <Curves curves={p.answer?.curves ?? null} selected={s.curve} colour={p.colour} width={width} height={body} /> : null}
        {s.view === 'job' ? <Job snap={p.snap} index={s.job} colour={p.colour} width={width} height={body} /> : null}
        {s.view === 'stats' ? <Stats stats={p.stats ?? null} height={body} /> : null}
      </Box>
      {p.printed ? null : <Text dimColor wrap="truncate-end">{'tab/←/→ or 1-5 view · ↑/↓ metric, model or job · q quit'}</Text>}
    </Box>
  );
}

/** The terminal's size, following resizes; 80×24 when unknown. */
function useSize(): [number, number] {
  const stdout = useStdout().stdout as NodeJS.WriteStream;
  const get = (): [number, number] => [stdout.columns || 80, stdout.rows || 24];
  const [size, setSize] = useState(get);
  useEffect(() => {
    const on = () => setSize(get());
    stdout.on('resize', on);
    return () => {
      stdout.off('resize', on);
    };
  });
  return size;
}

/**
 * Polls a store (read-only, WAL) about once a second; keys switch views, `q` quits. The store
 * is only read, so a run that ends or crashes leaves the last state on screen. The answer (the
 * overview's lines and the curves view, one engine call) and the statistics are recomputed only
 * when the number of finished jobs changes, and only while a view that shows them is up.
 */
export function Dashboard(props: { dbFile: string; experiment: string; intervalMs?: number; method?: Method; targetDice?: number; onQuit?: () => void; answerBelow?: boolean }) {
  const { exit } = useApp();
  const { isRawModeSupported } = useStdin();
  const colour = !process.env.NO_COLOR;
  const [width, height] = useSize();
  const [snap, setSnap] = useState<Snapshot | null>(null);
  const [state, setState] = useState<ViewState>(initialViewState);
  const [answer, setAnswer] = useState<{ done: number; value: DashboardAnswer } | null>(null);
  const [stats, setStats] = useState<{ done: number; value: StatsState } | null>(null);
  const jobKey = useRef<string | undefined>(undefined);
  const [error, setError] = useState<string | null>(null);
  jobKey.current = snap?.cells[Math.min(state.job, snap.cells.length - 1)]?.key;

  useEffect(() => {
    let db: ReturnType<typeof openDb> | undefined;
    const tick = () => {
      try {
        db ??= openDb(props.dbFile, { readonly: true });
        setSnap(readSnapshot(db, props.experiment, jobKey.current));
        setError(null);
      } catch (e) {
        // a writer mid-checkpoint or a store not there yet: show why and try again next tick
        setError((e as Error).message);
      }
    };
    tick();
    const timer = setInterval(tick, props.intervalMs ?? 1000);
    return () => {
      clearInterval(timer);
      db?.close();
    };
  }, [props.dbFile, props.experiment, props.intervalMs]);

  // Re-read at once when the selected job changes, not a second later.
  // biome-ignore lint/correctness/useExhaustiveDependencies: state.job is the trigger
  useEffect(() => {
    if (state.view !== 'job') return;
    try {
      const db = openDb(props.dbFile, { readonly: true });
      setSnap(readSnapshot(db, props.experiment, jobKey.current));
      db.close();
    } catch {
      /* the next tick will */
    }
  }, [state.job, state.view]);

  const done = snap?.counts.done ?? -1;
  const method = props.method ?? DEFAULT_METHOD;
  useEffect(() => {
    if (!snap || (state.view !== 'curves' && state.view !== 'overview') || answer?.done === done) return;
    let live = true;
    dashboardAnswer(snap.results, fullTrainingSizes(snap), method, { targetDice: props.targetDice }).then(
      (value) => live && setAnswer({ done, value }),
      (e) => live && setAnswer({ done, value: { method, answer: null, lines: [`no answer: ${(e as Error).message}`], curves: [] } }),
    );
    return () => {
      live = false;
    };
  }, [done, state.view, snap, answer?.done, method, props.targetDice]);
  useEffect(() => {
    if (!snap || state.view !== 'stats' || stats?.done === done) return;
    let live = true;
    experimentStats(snap.results).then(
      (value) => live && setStats({ done, value }),
      (e) => live && setStats({ done, value: { error: (e as Error).message } }),
    );
    return () => {
      live = false;
    };
  }, [done, state.view, snap, stats?.done]);

  useInput(
    (input, key) => {
      if (input === 'q') {
        props.onQuit?.();
        exit();
        return;
      }
      setState((s) => onKey(s, input, key, snap?.cells.length ?? 0));
    },
    { isActive: isRawModeSupported },
  );
  if (!snap) return <Text>{error ? `waiting for ${props.dbFile}: ${error}` : 'loading…'}</Text>;
  return <DashboardView snap={snap} colour={colour} state={state} answer={answer?.value ?? null} stats={stats?.value ?? null} width={width} height={height - 1} answerBelow={props.answerBelow} />;
}
