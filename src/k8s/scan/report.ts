// The three ways findings are printed: text (`file:line:column: rule: message`), JSON, and SARIF 2.1.0,
// which code-scanning UIs read (one run, a rule per rule id, a result per finding with a relative
// artifact URI and a region). None of them carries a value: only key names and fingerprints.

import type { Finding, ScanResult } from './types.js';

export function textReport(r: ScanResult): string {
  return r.findings
    .map((f) => `${f.file}:${f.line}:${f.column}: ${f.rule}: ${f.message}${f.key !== undefined ? ` [key ${f.key}]` : ''}${f.fingerprint ? ` [${f.fingerprint}]` : ''}\n`)
    .join('');
}

export function jsonReport(r: ScanResult, filesScanned: number): string {
  return `${JSON.stringify({ findings: r.findings, errors: r.errors, warnings: r.warnings, files_scanned: filesScanned }, null, 2)}\n`;
}

const RULE_TEXT: Record<string, string> = {
  'k8s-secret-data': 'A Kubernetes Secret with data in the manifest (base64 is not encryption)',
  'k8s-secret-stringdata': 'A Kubernetes Secret with stringData in the manifest',
  'kustomize-secret-literal': 'A Kustomize secretGenerator literal',
  'kustomize-secret-file': 'A file read by a Kustomize secretGenerator',
  'kustomize-secret-env': 'An env file read by a Kustomize secretGenerator',
  'high-entropy-string': 'A random-looking token in an env value or ConfigMap',
};

/** A SARIF artifact URI: the path with `/` separators, each segment percent-encoded. */
function uri(path: string): string {
  return path.split(/[\\/]/).map(encodeURIComponent).join('/');
}

export function sarifReport(r: ScanResult, version: string, srcRoot: string): string {
  const rules = [...new Set(r.findings.map((f) => f.rule))].sort();
  const ruleDescriptor = (id: string): Record<string, unknown> => ({
    id,
    name: id,
    shortDescription: { text: RULE_TEXT[id] ?? `secretlint: ${id.split('/').slice(1).join(' ')}` },
    ...(id.startsWith('secretlint/') ? { helpUri: `https://github.com/secretlint/secretlint/tree/master/packages/%40secretlint/secretlint-rule-${id.split('/')[1]}` } : {}),
    defaultConfiguration: { level: 'error' },
  });
  const result = (f: Finding): Record<string, unknown> => ({
    ruleId: f.rule,
    ruleIndex: rules.indexOf(f.rule),
    level: 'error',
    message: { text: f.message },
    locations: [
      {
        physicalLocation: {
          artifactLocation: { uri: uri(f.file), uriBaseId: 'SRCROOT' },
          region: { startLine: f.line, startColumn: f.column },
        },
      },
    ],
    ...(f.fingerprint ? { partialFingerprints: { 'secretValue/v1': f.fingerprint } } : {}),
    ...(f.key !== undefined ? { properties: { key: f.key } } : {}),
  });
  const log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'coffer k8s scan', version, rules: rules.map(ruleDescriptor) } },
        originalUriBaseIds: { SRCROOT: { uri: srcRoot.endsWith('/') ? srcRoot : `${srcRoot}/` } },
        results: r.findings.map(result),
        invocations: [
          {
            executionSuccessful: r.errors.length === 0,
            toolExecutionNotifications: [...r.errors.map((e) => ({ e, level: 'error' })), ...r.warnings.map((e) => ({ e, level: 'warning' }))].map(({ e, level }) => ({
              level,
              message: { text: e.message },
              locations: [{ physicalLocation: { artifactLocation: { uri: uri(e.file), uriBaseId: 'SRCROOT' }, ...(e.line ? { region: { startLine: e.line, startColumn: e.column ?? 1 } } : {}) } }],
            })),
          },
        ],
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}
