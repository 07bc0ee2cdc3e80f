import { Box, Text } from 'ink';
import { type PlotCell, type PlotSpec, plot } from './plot';

/** A plot on screen: runs of cells of one colour become one Text (fewer nodes, no flicker). */
export function Chart({ spec, colour }: { spec: PlotSpec; colour: boolean }) {
  const lines = plot(spec);
  return (
    <Box flexDirection="column">
      {lines.map((cells, r) => {
        const runs: PlotCell[] = [];
        for (const c of cells) {
          const last = runs[runs.length - 1];
          const cc = colour ? c.colour : undefined;
          if (last && last.colour === cc) last.ch += c.ch;
          else runs.push({ ch: c.ch, colour: cc });
        }
        return (
          // biome-ignore lint/suspicious/noArrayIndexKey: rows are positional
          <Text key={r}>
            {runs.map((run, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: runs are positional
              <Text key={i} color={run.colour}>{run.ch}</Text>
            ))}
          </Text>
        );
      })}
    </Box>
  );
}
