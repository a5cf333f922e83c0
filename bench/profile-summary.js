/**
 * What a V8 CPU profile (`node --cpu-prof`, one .cpuprofile of the main thread) says about where
 * a check's time went: self time per area of the code (lockdep's readers and lanes, its engine,
 * its other modules, Node's built-ins, native code such as the file reads, the garbage collector,
 * the rest of V8), and the functions with the most self time. Used by bench/sections/profile.js.
 * Invariants: times are the profile's sample intervals added up per sampled node (microseconds,
 * reported in ms); `(idle)` samples are left out; a function is named by its name and its source
 * file under src/ (the compiled dist/ file's path, renamed), without a line number (dist and src
 * lines differ).
 */

/** The area a sampled frame belongs to. */
export function areaOf(callFrame) {
  const { functionName, url } = callFrame;
  if (functionName === '(garbage collector)') return 'garbage collector';
  if (functionName === '(program)' || functionName === '(root)') return 'V8 and Node (not attributed)';
  if (url.includes('/node_modules/')) return 'packages and the bench worker';
  if (url.includes('/dist/events/')) return 'reading and parsing (src/events)';
  if (url.includes('/dist/engine/')) return 'engine (src/engine)';
  if (url.includes('/dist/')) return 'other lockdep code';
  if (url.startsWith('node:')) return 'Node built-ins (JavaScript)';
  if (url === '') return 'native (file reads, buffer search, compilation)';
  return 'packages and the bench worker';
}

/** `file:///.../dist/events/std-fast-lane.js` -> `src/events/std-fast-lane.ts`; other URLs as they are. */
export function sourceOf(url) {
  const at = url.lastIndexOf('/dist/');
  if (at >= 0 && !url.includes('/node_modules/')) return `src/${url.slice(at + '/dist/'.length).replace(/\.js$/, '.ts')}`;
  if (url.startsWith('node:')) return url;
  return url === '' ? '(native)' : url.slice(url.lastIndexOf('/') + 1);
}

/** The summary of one profile: total sampled ms, ms per area (largest first), the `top` functions by self time. */
export function summarizeProfile(profile, top = 8) {
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfUs = new Map();
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i];
    selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  }
  const areas = new Map();
  const functions = new Map();
  let totalUs = 0;
  for (const [id, us] of selfUs) {
    const { callFrame } = nodes.get(id);
    if (callFrame.functionName === '(idle)') continue;
    totalUs += us;
    const area = areaOf(callFrame);
    areas.set(area, (areas.get(area) ?? 0) + us);
    const name = callFrame.functionName === '' ? '(anonymous)' : callFrame.functionName;
    const key = `${name}\u0000${sourceOf(callFrame.url)}`;
    functions.set(key, (functions.get(key) ?? 0) + us);
  }
  const ms = (us) => Math.round(us / 1000);
  return {
    totalMs: ms(totalUs),
    areas: [...areas].sort((a, b) => b[1] - a[1]).map(([area, us]) => ({ area, ms: ms(us) })),
    top: [...functions]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([key, us]) => {
        const [name, source] = key.split('\u0000');
        return { name, source, ms: ms(us) };
      }),
  };
}
