import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A CPU quota for one process, as a small node of a cluster has: a cgroup of its own whose CPU
 * time is capped at `cores` (cgroup v2 `cpu.max`, or v1 `cpu.cfs_quota_us` under
 * /sys/fs/cgroup/cpu). Creating cgroups needs root (or a delegated subtree); where they cannot be
 * made, `cpuQuotas` says why and the caller reports its figure as skipped.
 */
export interface CpuQuota {
  readonly path: string;
  /** Moves the process (all its threads, and any child it starts later) into the cgroup. */
  place(pid: number): void;
  /** Moves the process back out (to the hierarchy's root cgroup). */
  release(pid: number): void;
  /** How long the quota held the cgroup's processes back so far, in seconds: the proof that the cap bit. */
  throttledSeconds(): number;
  /** Removes the cgroup (its processes must have exited). */
  remove(): void;
}

const ROOT = '/sys/fs/cgroup';
const PERIOD_US = 100_000;
/** Ten times the default weight (v1 cpu.shares 1024, v2 cpu.weight 100). */
const SHARES_V1 = 10_240;
const WEIGHT_V2 = 1_000;

/** `count` capped cgroups named after `tag`, or the reason none can be made here. */
export function cpuQuotas(tag: string, count: number, cores: number): CpuQuota[] | { readonly skipped: string } {
  const quota = Math.round(cores * PERIOD_US);
  const v2 = existsSync(join(ROOT, 'cgroup.controllers'));
  const base = v2 ? ROOT : join(ROOT, 'cpu');
  if (!v2 && !existsSync(join(base, 'cpu.cfs_quota_us')))
    return { skipped: `no cgroup CPU controller at ${ROOT} (neither cgroup.controllers nor cpu/cpu.cfs_quota_us)` };
  const made: CpuQuota[] = [];
  try {
    if (v2) {
      const controllers = readFileSync(join(ROOT, 'cgroup.controllers'), 'utf8');
      if (!/\bcpu\b/.test(controllers)) return { skipped: `the cgroup v2 hierarchy at ${ROOT} has no cpu controller` };
      // Child cgroups get the cpu controller only when their parent hands it down.
      if (!/\bcpu\b/.test(readFileSync(join(ROOT, 'cgroup.subtree_control'), 'utf8'))) writeFileSync(join(ROOT, 'cgroup.subtree_control'), '+cpu');
    }
    for (let i = 0; i < count; i++) {
      const path = join(base, `renkei-${tag}-${i}`);
      mkdirSync(path);
      const quotaFile = v2 ? 'cpu.max' : 'cpu.cfs_quota_us';
      const cgroup: CpuQuota = {
        path,
        place: (pid) => writeFileSync(join(path, 'cgroup.procs'), String(pid)),
        release: (pid) => writeFileSync(join(base, 'cgroup.procs'), String(pid)),
        throttledSeconds: () => {
          const stat = readFileSync(join(path, 'cpu.stat'), 'utf8');
          return v2 ? Number(/throttled_usec (\d+)/.exec(stat)?.[1] ?? 0) / 1e6 : Number(/throttled_time (\d+)/.exec(stat)?.[1] ?? 0) / 1e9;
        },
        remove: () => rmdirSync(path),
      };
      made.push(cgroup);
      // The quota is a ceiling; a large weight makes sure the process reaches it on a busy
      // machine, where it would otherwise get only its share of the cores among all runnable tasks.
      if (v2) {
        writeFileSync(join(path, quotaFile), `${quota} ${PERIOD_US}`);
        writeFileSync(join(path, 'cpu.weight'), String(WEIGHT_V2));
      } else {
        writeFileSync(join(path, 'cpu.cfs_period_us'), String(PERIOD_US));
        writeFileSync(join(path, quotaFile), String(quota));
        writeFileSync(join(path, 'cpu.shares'), String(SHARES_V1));
      }
    }
    return made;
  } catch (error) {
    for (const cgroup of made) {
      try {
        cgroup.remove();
      } catch {
        // Nothing was placed in it yet; a leftover empty cgroup is harmless.
      }
    }
    return { skipped: `cannot create a cgroup under ${base}: ${(error as Error).message}` };
  }
}
