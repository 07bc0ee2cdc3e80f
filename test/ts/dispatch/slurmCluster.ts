import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, hostname } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { tmp } from '../helpers';

/**
 * A real one-node Slurm cluster on this machine (Debian's slurm-wlm and munge, run as root): munged,
 * slurmctld and slurmd with a generated slurm.conf whose state, spool, logs and munge socket sit in a
 * temp dir. Started by a test and shut down after it; .ci/run installs the packages when missing.
 */
export interface Cluster {
  dir: string;
  /** SLURM_CONF for sbatch, squeue, scancel. */
  env: Record<string, string>;
  logs(): string;
  stop(): Promise<void>;
}

const has = (cmd: string) => {
  try {
    execFileSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};

/** Why a cluster cannot be started here (undefined when it can). */
export function clusterMissing(): string | undefined {
  if (process.getuid?.() !== 0) return 'the test cluster runs its daemons as root';
  const missing = ['munged', 'slurmctld', 'slurmd', 'sbatch'].filter((c) => !has(c));
  return missing.length ? `missing ${missing.join(', ')} (apt-get install slurm-wlm munge; .ci/run does)` : undefined;
}

const freePort = () => 20000 + Math.floor(Math.random() * 20000);

export async function startCluster(): Promise<Cluster> {
  const dir = tmp('plateau-slurm-');
  const m = join(dir, 'munge');
  for (const d of ['state', 'spool', 'log']) mkdirSync(join(dir, d));
  mkdirSync(m, { mode: 0o711 });
  chmodSync(dir, 0o755);
  const key = join(m, 'munge.key');
  writeFileSync(key, randomBytes(1024), { mode: 0o400 });
  const sock = join(m, 'munge.socket');
  await execa('munged', ['--force', `--socket=${sock}`, `--key-file=${key}`, `--pid-file=${join(m, 'pid')}`, `--log-file=${join(m, 'log')}`, `--seed-file=${join(m, 'seed')}`]);
  const host = hostname();
  const port = freePort();
  const conf = join(dir, 'slurm.conf');
  writeFileSync(conf, [
    'ClusterName=plateautest',
    `SlurmctldHost=${host}(127.0.0.1)`,
    `SlurmctldPort=${port}`,
    `SlurmdPort=${port + 1}`,
    'AuthType=auth/munge',
    `AuthInfo=socket=${sock}`,
    'CredType=cred/munge',
    'SlurmUser=root',
    'SlurmdUser=root',
    `StateSaveLocation=${join(dir, 'state')}`,
    `SlurmdSpoolDir=${join(dir, 'spool')}`,
    `SlurmctldPidFile=${join(dir, 'slurmctld.pid')}`,
    `SlurmdPidFile=${join(dir, 'slurmd.pid')}`,
    `SlurmctldLogFile=${join(dir, 'log', 'slurmctld.log')}`,
    `SlurmdLogFile=${join(dir, 'log', 'slurmd.log')}`,
    // No cgroups here: processes tracked by parent pid, no task binding, no accounting.
    'ProctrackType=proctrack/linuxproc',
    'TaskPlugin=task/none',
    'JobAcctGatherType=jobacct_gather/none',
    'AccountingStorageType=accounting_storage/none',
    'SelectType=select/cons_tres',
    'SelectTypeParameters=CR_Core',
    'ReturnToService=2',
    'MpiDefault=none',
    'KillWait=10',
    `NodeName=${host} NodeAddr=127.0.0.1 CPUs=${cpus().length} RealMemory=1000 State=UNKNOWN`,
    // Workers mostly wait on the broker: let several share a core.
    `PartitionName=test Nodes=${host} Default=YES MaxTime=INFINITE State=UP OverSubscribe=FORCE:8`,
    '',
  ].join('\n'));
  const env = { SLURM_CONF: conf };
  await execa('slurmctld', ['-f', conf], { env });
  await execa('slurmd', ['-f', conf], { env });
  // read now: the daemons delete their pid files when told to shut down
  const pids = ['slurmctld.pid', 'slurmd.pid'].map((f) => waitPid(join(dir, f)));
  const cluster: Cluster = {
    dir,
    env,
    logs: () => ['slurmctld', 'slurmd'].map((d) => {
      try {
        return readFileSync(join(dir, 'log', `${d}.log`), 'utf8').split('\n').slice(-15).join('\n');
      } catch {
        return '';
      }
    }).join('\n'),
    async stop() {
      // Let every job finish first: a job step still reporting to a stopped slurmctld would linger.
      for (let i = 0; i < 60; i++) {
        const q = await execa('squeue', ['-h'], { env, reject: false });
        if (q.exitCode !== 0 || !String(q.stdout).trim()) break;
        await new Promise((r) => setTimeout(r, 500));
      }
      await execa('scontrol', ['shutdown'], { env, reject: false, timeout: 30_000 });
      // scontrol shutdown returns before the daemons are gone
      for (const pid of await Promise.all(pids)) await gone(pid);
      await execa('munged', ['--stop', `--socket=${sock}`], { reject: false, timeout: 30_000 });
    },
  };
  // The node is up once sinfo says idle.
  for (let i = 0; i < 60; i++) {
    const s = await execa('sinfo', ['-h', '-o', '%T'], { env, reject: false });
    if (String(s.stdout).trim() === 'idle') return cluster;
    await new Promise((r) => setTimeout(r, 500));
  }
  await cluster.stop();
  throw new Error(`the test Slurm cluster did not come up:\n${cluster.logs()}`);
}

/** The pid a daemon writes to its pid file once it has started. */
async function waitPid(pidFile: string): Promise<number | undefined> {
  for (let i = 0; i < 100; i++) {
    try {
      const pid = Number(readFileSync(pidFile, 'utf8').trim());
      if (pid > 0) return pid;
    } catch {
      /* not yet */
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return undefined;
}

/** Running (a zombie left to init counts as gone). */
function alive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

async function gone(pid: number | undefined): Promise<void> {
  if (!pid) return;
  for (let i = 0; i < 100 && alive(pid); i++) await new Promise((r) => setTimeout(r, 100));
  if (alive(pid)) process.kill(pid, 'SIGKILL'); // the daemon this test started, by its own pid
}
