import { Box, Text, useApp, useInput } from 'ink';
import { useEffect, useState } from 'react';
import { openDb } from '../store/db';
import { Heatmap } from './Heatmap';
import { etaSeconds, formatDuration, readSnapshot, type Snapshot } from './snapshot';

function Bar({ done, total, width = 30 }: { done: number; total: number; width?: number }) {
  const n = total ? Math.round((done / total) * width) : 0;
  return <Text>{`[${'█'.repeat(n)}${'░'.repeat(width - n)}]`}</Text>;
}

export function DashboardView({ snap, colour }: { snap: Snapshot; colour: boolean }) {
  const c = snap.counts;
  return (
    <Box flexDirection="column">
      <Text bold>{`plateau · ${snap.experiment}`}</Text>
      <Box gap={1}>
        <Bar done={c.done + c.failed} total={c.total} />
        <Text>{`${c.done}/${c.total} done · ${c.running} running · ${c.failed} failed · ETA ${formatDuration(etaSeconds(snap))}`}</Text>
      </Box>
      <Box flexDirection="column" marginTop={1}>
        {snap.workers.length === 0 ? <Text dimColor>no workers</Text> : null}
        {snap.workers.map((w) => (
          <Text key={w.id}>
            {`${w.id.slice(-12).padEnd(12)} ${w.device.padEnd(6)} `}
            {w.job
              ? `${w.model} @ ${(Number(w.fraction) * 100).toFixed(0)}%  epoch ${w.epoch ?? 0}/${w.epochs ?? '?'}${w.val_dice != null ? `  val DSC ${w.val_dice.toFixed(3)}` : ''}`
              : w.state}
          </Text>
        ))}
      </Box>
      <Box marginTop={1}>
        <Heatmap cells={snap.cells} fractions={snap.fractions} models={snap.models} colour={colour} />
      </Box>
      {snap.lastError ? (
        <Box marginTop={1}>
          <Text color={colour ? 'red' : undefined}>{`last error (${snap.lastError.job ?? 'worker'}): ${snap.lastError.message.split('\n')[0].slice(0, 200)}`}</Text>
        </Box>
      ) : null}
    </Box>
  );
}

/** Polls a store (read-only, WAL) about once a second; `q` quits. */
export function Dashboard(props: { dbFile: string; experiment: string; intervalMs?: number; onQuit?: () => void }) {
  const { exit } = useApp();
  const colour = !process.env.NO_COLOR;
  const [snap, setSnap] = useState<Snapshot | null>(null);
  useEffect(() => {
    const db = openDb(props.dbFile, { readonly: true });
    const tick = () => {
      try {
        setSnap(readSnapshot(db, props.experiment));
      } catch {
        /* a writer mid-checkpoint: try again next tick */
      }
    };
    tick();
    const timer = setInterval(tick, props.intervalMs ?? 1000);
    return () => {
      clearInterval(timer);
      db.close();
    };
  }, [props.dbFile, props.experiment, props.intervalMs]);
  useInput((input) => {
    if (input === 'q') {
      props.onQuit?.();
      exit();
    }
  }, { isActive: Boolean(process.stdin.isTTY) });
  return snap ? <DashboardView snap={snap} colour={colour} /> : <Text>loading…</Text>;
}
