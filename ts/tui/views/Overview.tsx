import { Box, Text } from 'ink';
import type { DashboardAnswer } from '../forecasts';
import { etaSeconds, formatDuration, rowLabel, type Snapshot } from '../snapshot';

function Bar({ done, total, width }: { done: number; total: number; width: number }) {
  const n = total ? Math.round((done / total) * width) : 0;
  return <Text>{`[${'█'.repeat(n)}${'░'.repeat(width - n)}]`}</Text>;
}

/**
 * An adaptive study in two lines: what it chose, what it spent against its budget, why it
 * stopped; then the reason for its latest choice (status lists every one).
 */
export function studyLines(snap: Snapshot): string[] {
  const st = snap.study;
  if (!st) return [];
  const waves = new Set(st.choices.map((c) => c.wave)).size;
  const set = st.settings;
  const budget = set?.budget ? ` of ${formatDuration(set.budget)} budget` : '';
  const target = set?.target_dice ? ` · target Dice ${set.target_dice}` : '';
  const end = st.stop ? ` · stopped: ${st.stop.reason}` : ' · running';
  const latest = st.choices[st.choices.length - 1];
  return [`adaptive study: ${st.choices.length} job(s) chosen in ${waves} wave(s) · ${formatDuration(st.spent)} of training${budget}${target}${end}`, `latest choice (wave ${latest.wave}): ${latest.reason}`];
}

/**
 * Progress, throughput, ETA, each worker at its job and epoch, the failures, and the answer so far
 * (the engine's lines, as `plateau forecast` and status print them, each cut to the width).
 * `answer`: undefined = not shown, null = still fitting.
 */
export function Overview({ snap, colour, width, height, answer }: { snap: Snapshot; colour: boolean; width: number; height: number; answer?: DashboardAnswer | null }) {
  const c = snap.counts;
  const pct = c.total ? Math.round(((c.done + c.failed) / c.total) * 100) : 0;
  const rate = snap.jobsPerHour === null ? '–' : snap.jobsPerHour >= 10 ? `${snap.jobsPerHour.toFixed(0)} jobs/h` : `${snap.jobsPerHour.toFixed(1)} jobs/h`;
  const study = studyLines(snap);
  const lines = answer === undefined ? null : answer === null ? ['fitting…'] : answer.lines.length ? answer.lines : ['no results yet'];
  // rows: progress 2, workers block 2 + shown (+1 "more"), failures block 2 + shown, answer block 2 + shown
  const room = Math.max(1, height - 6 - (study.length ? study.length + 1 : 0));
  // with an answer to show, workers and failures leave it at least its header and 4 lines
  const answerMin = lines ? 2 + Math.min(lines.length, 4) + (snap.failures.length ? 2 : 0) : 0;
  const workers = snap.workers.slice(0, Math.max(1, room - Math.min(3, snap.failures.length) - 1 - answerMin));
  const failures = snap.failures.slice(0, Math.max(0, lines ? Math.min(3, room - workers.length - 1 - answerMin) : room - workers.length - 1));
  const used = (study.length ? study.length + 1 : 0) + 2 + 2 + Math.max(1, workers.length) + (snap.workers.length > workers.length ? 1 : 0) + (failures.length ? 2 + failures.length : snap.lastError ? 2 : 0);
  const answerRoom = Math.max(0, height - used - 2);
  const shown = lines ? (lines.length <= answerRoom ? lines : [...lines.slice(0, Math.max(0, answerRoom - 1)), `… ${lines.length - Math.max(0, answerRoom - 1)} more lines: plateau forecast`]) : [];
  const red = colour ? 'red' : undefined;
  return (
    <Box flexDirection="column">
      <Box gap={1}>
        <Bar done={c.done + c.failed} total={c.total} width={Math.max(10, Math.min(40, width - 45))} />
        <Text>{`${pct}%  ${c.done}/${c.total} done · ${c.running} running · ${c.failed} failed`}</Text>
      </Box>
      <Text>{`throughput ${rate} · mean job ${formatDuration(snap.meanSeconds)} · ETA ${formatDuration(etaSeconds(snap))}`}</Text>
      {study.length ? (
        <Box flexDirection="column" marginTop={1}>
          {study.map((l, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: lines are positional
            <Text key={i} bold={i === 0} wrap="truncate-end">{l}</Text>
          ))}
        </Box>
      ) : null}
      <Box flexDirection="column" marginTop={1}>
        <Text bold>workers</Text>
        {snap.workers.length === 0 ? (
          // jobs left and nobody connected yet: local workers are still importing torch and MONAI (seconds, not a fault)
          <Text dimColor>{c.queued + c.running > 0 ? 'no workers yet: each one starts Python, torch and MONAI before its first job' : 'no workers'}</Text>
        ) : null}
        {workers.map((w) => (
          <Text key={w.id}>
            {`${w.id.slice(-12).padEnd(12)} ${(w.device ?? '?').padEnd(6)} `}
            {w.job
              ? `${w.model} @ ${rowLabel(Number(w.fraction))}  epoch ${w.epoch ?? 0}/${w.epochs ?? '?'}${w.val_dice != null ? `  val DSC ${w.val_dice.toFixed(3)}` : ''}`
              : w.state}
          </Text>
        ))}
        {snap.workers.length > workers.length ? <Text dimColor>{`… ${snap.workers.length - workers.length} more`}</Text> : null}
      </Box>
      {failures.length ? (
        <Box flexDirection="column" marginTop={1}>
          <Text bold color={red}>{`failures (${snap.failures.length})`}</Text>
          {failures.map((f) => (
            <Text key={f.key} color={red} wrap="truncate-end">{`${f.model} @ ${rowLabel(f.fraction)} [${f.key}]: ${f.error.split('\n')[0]}`}</Text>
          ))}
        </Box>
      ) : null}
      {snap.lastError && !failures.length ? (
        <Box marginTop={1}>
          <Text color={red} wrap="truncate-end">{`last error (${snap.lastError.job ?? 'worker'}): ${snap.lastError.message.split('\n')[0]}`}</Text>
        </Box>
      ) : null}
      {lines && answerRoom > 0 ? (
        <Box flexDirection="column" marginTop={1} width={width}>
          <Text bold>{`answer${answer ? ` (${answer.method}, ${resultsText(snap)})` : ''}`}</Text>
          {shown.map((l, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: lines are positional
            <Text key={i} wrap="truncate-end" dimColor={!answer}>{l}</Text>
          ))}
        </Box>
      ) : null}
    </Box>
  );
}

/** What the overview's answer rests on: "on 1 result", "on 12 results so far" while jobs are still queued or running. */
export function resultsText(snap: Snapshot): string {
  const k = snap.results.length;
  const c = snap.counts;
  return `on ${k} result${k === 1 ? '' : 's'}${c.queued + c.running > 0 ? ' so far' : ''}`;
}
