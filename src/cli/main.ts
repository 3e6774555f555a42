// The `coffer` command: dispatches to `server`, `agent`, `injector`, `launcher` and the client commands, loading only the one
// that runs (the agent's cold start and memory don't pay for the others). Exit codes as Vault's:
// 0 ok, 1 local error (usage, validation), 2 remote error (refused, unreachable).

export async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  // As Vault: `version`, and -v/-version/--version when given alone.
  if (cmd === 'version' || (argv.length === 1 && (cmd === '-v' || cmd === '-version' || cmd === '--version'))) {
    const { versionLine } = await import('./version.js');
    process.stdout.write(`${versionLine()}\n`);
    return 0;
  }
  if (!cmd || cmd === '-h' || cmd === '--help' || cmd === '-help' || cmd === 'help') {
    const { USAGE } = await import('./client-commands.js');
    if (cmd) process.stdout.write(`${USAGE}\n`);
    else process.stderr.write(`${USAGE}\n`);
    return cmd ? 0 : 1;
  }
  if (cmd === 'server') {
    const { serverCommand, SERVER_USAGE } = await import('./server-command.js');
    if (rest.includes('-h') || rest.includes('--help') || rest.includes('-help')) {
      process.stdout.write(`${SERVER_USAGE}\n`);
      return 0;
    }
    return serverCommand(rest);
  }
  if (cmd === 'agent') {
    // Before the agent's modules load: V8 settings for a small, long-running, mostly idle process.
    const { tuneV8ForAgent } = await import('../agent/v8-tuning.js');
    tuneV8ForAgent(process.env);
    const { agentCommand } = await import('../agent/command.js');
    return agentCommand(rest);
  }
  if (cmd === 'launcher') {
    const { launcherCommand } = await import('./launcher.js');
    return launcherCommand(rest);
  }
  if (cmd === 'injector') {
    const { injectorCommand } = await import('./injector.js');
    return injectorCommand(rest);
  }
  if (cmd === 'k8s' && rest[0] === 'doctor') {
    const { k8sDoctorCommand } = await import('./k8s-doctor.js');
    return k8sDoctorCommand(rest.slice(1));
  }
  if (cmd === 'k8s' && rest[0] === 'migrate') {
    const { k8sMigrateCommand } = await import('./k8s-migrate.js');
    return k8sMigrateCommand(rest.slice(1));
  }
  const { runClientCommand, USAGE } = await import('./client-commands.js');
  const code = await runClientCommand(cmd, rest);
  if (code !== null) return code;
  process.stderr.write(`Unknown command "${cmd}"\n\n${USAGE}\n`);
  return 1;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`Error: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 1;
  },
);
