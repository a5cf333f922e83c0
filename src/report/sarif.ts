/**
 * SARIF 2.1.0 output (GitHub code scanning and other SARIF viewers). A pure function of the
 * CheckResult. Invariants: ruleIds are stable (`lockdep/<kind>`, `rule/<id>`, see
 * rule-catalog.ts) and the driver's rule list is ordered: every engine kind in FINDING_KINDS
 * order, then the documented rules seen, sorted, so `ruleIndex` is stable too;
 * `partialFingerprints["lockdep/v1"]` is the finding's line-independent fingerprint; a result has
 * a location when its primary witness has a `file:line` (its site, a stack frame or its trace
 * position) and relatedLocations for every other witness that has one; baselined findings carry
 * an external suppression and `baselineState: "unchanged"`. URIs are posix paths with each
 * segment percent-encoded; absolute paths become `file://` URIs.
 */
import type { Finding, Severity } from '../engine/finding.js';
import type { CheckResult } from '../engine/result.js';
import { FINDING_KIND_INFO } from '../engine/finding-kinds.js';
import { ENGINE_KINDS, describeFinding, findingTitle, ruleIdOf } from './rule-catalog.js';
import { primaryWitness, witnessPosition, type SourcePosition } from './source-position.js';
import { classPath, describeEvent, witnessesOf } from './witnesses.js';

const SARIF_SCHEMA_URI = 'https://json.schemastore.org/sarif-2.1.0.json';
const FINGERPRINT_KEY = 'lockdep/v1';

type SarifLevel = 'error' | 'warning' | 'note';

const LEVELS = new Map<Severity, SarifLevel>([['error', 'error'], ['warning', 'warning'], ['info', 'note']]);

interface SarifRule {
  id: string;
  name: string;
  shortDescription: { text: string };
  fullDescription?: { text: string };
  defaultConfiguration: { level: SarifLevel };
  properties: { 'problem.severity': string; tags: string[] };
}

function levelOf(severity: Severity): SarifLevel {
  return LEVELS.get(severity) ?? 'warning';
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** A posix, percent-encoded URI reference for a file path. */
export function fileUri(file: string): string {
  const posix = file.replace(/\\/g, '/');
  // A lone surrogate (legal in JSON, not in a URI) becomes U+FFFD instead of throwing URIError.
  const encode = (path: string): string =>
    path.split('/').map((segment) => encodeURIComponent(segment.replace(LONE_SURROGATE, '\uFFFD'))).join('/');
  const drive = /^[A-Za-z]:(?=\/)/.exec(posix);
  if (drive) return `file:///${drive[0]}${encode(posix.slice(2))}`;
  if (posix.startsWith('/')) return `file://${encode(posix)}`;
  return encode(posix.replace(/^(\.\/)+/, ''));
}

function physicalLocation(position: SourcePosition): Record<string, unknown> {
  const region: Record<string, number> = { startLine: position.line };
  if (position.column !== undefined) region['startColumn'] = position.column;
  return { artifactLocation: { uri: fileUri(position.file) }, region };
}

function pascalName(id: string): string {
  return id.split(/[^A-Za-z0-9]+/).filter((part) => part !== '').map((part) => part.charAt(0).toUpperCase() + part.slice(1)).join('');
}

function ruleFor(id: string, description: string, level: SarifLevel, tags: string[]): SarifRule {
  return {
    id,
    name: pascalName(id),
    shortDescription: { text: description },
    defaultConfiguration: { level },
    properties: { 'problem.severity': level === 'note' ? 'recommendation' : level, tags },
  };
}

function resultFor(finding: Finding, ruleIndex: number): Record<string, unknown> {
  const path = classPath(finding);
  const message = path === '' || finding.message.includes(path) ? finding.message : `${finding.message} [${path}]`;
  const result: Record<string, unknown> = {
    ruleId: ruleIdOf(finding),
    ruleIndex,
    level: levelOf(finding.severity),
    message: { text: message },
  };
  const primary = primaryWitness(finding);
  const primaryPosition = primary ? witnessPosition(primary) : null;
  if (primaryPosition) result['locations'] = [{ physicalLocation: physicalLocation(primaryPosition) }];
  const related: Array<Record<string, unknown>> = [];
  for (const witness of witnessesOf(finding)) {
    if (witness.ref === primary) continue;
    const position = witnessPosition(witness.ref);
    if (!position) continue;
    related.push({
      id: related.length + 1,
      message: { text: `${witness.role}: ${describeEvent(witness.ref)}` },
      physicalLocation: physicalLocation(position),
    });
  }
  if (related.length > 0) result['relatedLocations'] = related;
  result['partialFingerprints'] = { [FINGERPRINT_KEY]: finding.fingerprint };
  if (finding.baselined === true) {
    result['baselineState'] = 'unchanged';
    result['suppressions'] = [{ kind: 'external', status: 'accepted', justification: 'listed in the lockdep baseline' }];
  }
  const properties: Record<string, unknown> = { kind: finding.kind, classes: [...finding.classes], title: findingTitle(finding) };
  if (finding.task !== undefined) properties['task'] = finding.task;
  if (finding.occurrences !== undefined) properties['occurrences'] = finding.occurrences;
  if (finding.ruleDetail) properties['relation'] = finding.ruleDetail.relation;
  result['properties'] = properties;
  return result;
}

/** Renders the result as a SARIF 2.1.0 log (pretty-printed JSON, trailing newline). */
export function renderSarif(result: CheckResult): string {
  const rules: SarifRule[] = [];
  const ruleIndex = new Map<string, number>();
  const severityOfRule = new Map<string, Severity>();
  for (const finding of result.violations) {
    const id = ruleIdOf(finding);
    if (!severityOfRule.has(id)) severityOfRule.set(id, finding.severity);
  }
  for (const kind of ENGINE_KINDS) {
    const id = `lockdep/${kind}`;
    ruleIndex.set(id, rules.length);
    const info = FINDING_KIND_INFO[kind];
    rules.push(ruleFor(id, info.description, levelOf(severityOfRule.get(id) ?? info.defaultSeverity), ['lockdep', 'concurrency']));
  }
  const documented = new Map<string, Finding>();
  for (const finding of result.violations) {
    const id = ruleIdOf(finding);
    if (!ruleIndex.has(id) && !documented.has(id)) documented.set(id, finding);
  }
  for (const id of [...documented.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))) {
    const finding = documented.get(id) as Finding;
    ruleIndex.set(id, rules.length);
    const rule = ruleFor(id, describeFinding(finding), levelOf(severityOfRule.get(id) ?? 'error'), ['lockdep', 'locking-rule']);
    if (finding.ruleDetail?.kind) {
      const source = finding.ruleDetail.source === undefined ? '' : ` (source: ${finding.ruleDetail.source})`;
      rule.fullDescription = { text: `${finding.ruleDetail.kind} rule: ${describeFinding(finding)}${source}` };
    }
    rules.push(rule);
  }

  const tool = result.tool ?? { name: 'lockdep', version: '0.0.0' };
  const log = {
    $schema: SARIF_SCHEMA_URI,
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: tool.name, version: tool.version, semanticVersion: tool.version, rules } },
        results: result.violations.map((finding) => resultFor(finding, ruleIndex.get(ruleIdOf(finding)) as number)),
        columnKind: 'unicodeCodePoints',
        properties: { summary: result.summary },
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}
