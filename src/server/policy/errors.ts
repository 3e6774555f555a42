// The error a policy that can't be accepted raises: it names the policy, the path block and the key
// at fault, so `vault policy write` users see exactly what to fix. Shown to clients as a 400.

export class PolicyError extends Error {
  constructor(
    message: string,
    readonly policy: string,
    readonly path?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'PolicyError';
  }
}

/** Builds a PolicyError whose message reads `policy "ops": path "secret/*": <detail>`. */
export function policyError(policy: string, detail: string, path?: string, cause?: unknown): PolicyError {
  const where = path === undefined ? `policy "${policy}"` : `policy "${policy}": path "${path}"`;
  return new PolicyError(`${where}: ${detail}`, policy, path, cause === undefined ? undefined : { cause });
}
