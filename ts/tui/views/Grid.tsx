import { Box, Text } from 'ink';
import { Heatmap } from '../Heatmap';
import { METRIC_LABEL, METRICS, type Metric, type Snapshot } from '../snapshot';

/** A heat map of one test metric over fraction × model; ↑/↓ switch the metric. */
export function Grid({ snap, metric, colour, height }: { snap: Snapshot; metric: Metric; colour: boolean; height: number }) {
  return (
    <Box flexDirection="column">
      <Text>
        {'metric: '}
        {METRICS.map((m) => (m === metric ? `[${METRIC_LABEL[m]}]` : ` ${METRIC_LABEL[m]} `)).join(' ')}
        <Text dimColor>{'  (↑/↓ change)'}</Text>
      </Text>
      <Heatmap cells={snap.cells} fractions={snap.fractions} models={snap.models} metric={metric} colour={colour} maxRows={Math.max(2, height - 4)} />
    </Box>
  );
}
