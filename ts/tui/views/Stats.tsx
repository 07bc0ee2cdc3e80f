import { Box, Text } from 'ink';
import { table } from '../../cli/format';
import { formattedRows, type ReportTable } from '../../report/table';

export type StatsState = { tables: ReportTable[]; formula: string } | { error: string } | null;

/** The experiment's OLS coefficients and ANOVA table, laid out as the CLI prints tables. */
export function Stats({ stats, height }: { stats: StatsState; height: number }) {
  if (!stats) return <Text dimColor>fitting…</Text>;
  if ('error' in stats) return <Text dimColor>{`statistics unavailable: ${stats.error}`}</Text>;
  const lines = stats.tables.flatMap((t) => [t.title, ...table(t.header, formattedRows(t)).split('\n'), '']);
  return (
    <Box flexDirection="column">
      <Text bold>{stats.formula}</Text>
      {lines.slice(0, Math.max(1, height - 1)).map((l, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: lines are positional
        <Text key={i} wrap="truncate-end">{l}</Text>
      ))}
    </Box>
  );
}
