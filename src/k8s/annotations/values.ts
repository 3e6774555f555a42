// Parsers for annotation values, each strict where vault-k8s is strict (Go's strconv.ParseBool)
// and checking what vault-k8s leaves for the API server or the agent to trip over later
// (resource quantities, durations, file modes).

/** Go's strconv.ParseBool, which vault-k8s uses for every boolean annotation. */
export function parseGoBool(s: string): boolean | undefined {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(s)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(s)) return false;
  return undefined;
}

/** A Kubernetes resource.Quantity: 250m, 0.5, 64Mi, 1G, 1e3. */
export function isQuantity(s: string): boolean {
  return /^[+]?(\d+(\.\d*)?|\.\d+)(([KMGTPE]i)|[numkMGTPE]|[eE][+-]?\d+)?$/.test(s);
}

/** A Go duration ("1s", "1m30s", "250ms"), as vault-k8s checks auth-min-backoff with time.ParseDuration. */
export function isGoDuration(s: string): boolean {
  return /^[+-]?((\d+(\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h))+$/.test(s) || s === '0';
}

/** A duration the agent reads: a Go duration, or whole seconds. */
export function isAgentDuration(s: string): boolean {
  return isGoDuration(s) || /^\d+$/.test(s);
}

/** An octal file mode such as 0400 or 644. */
export function isFileMode(s: string): boolean {
  return /^0?[0-7]{3,4}$/.test(s) && parseInt(s, 8) <= 0o7777;
}

/** A container or volume name (RFC 1123 label). */
export function isDnsLabel(s: string): boolean {
  return s.length <= 63 && /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(s);
}

/** A Secret or ConfigMap name (RFC 1123 subdomain). */
export function isDnsSubdomain(s: string): boolean {
  return s.length <= 253 && /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/.test(s);
}

/** Levenshtein distance, for "did you mean" on misspelled annotation names. */
export function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j]!;
      prev[j] = Math.min(prev[j]! + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length]!;
}
