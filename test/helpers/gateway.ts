/**
 * Starts a real Unigate on 127.0.0.1 (port 0 for both listeners) from YAML text, with logs
 * captured in memory.
 *
 *   const gw = await startGateway(`upstreams: {...}\nroutes: [...]`);
 *   await fetch(`${gw.url}/path`); gw.logs.records; await gw.close();
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfigText } from '../../src/config/load.js';
import { Gateway } from '../../src/server/gateway.js';
import { LogCapture } from './log-capture.js';

export const ADMIN_TOKEN = 'test-admin-token-0123456789';

export interface TestGateway {
  gateway: Gateway;
  url: string;
  adminUrl: string;
  logs: LogCapture;
  configPath: string;
  /** Rewrites the config file (for reload tests). */
  writeConfig(yaml: string): void;
  close(): Promise<void>;
}

/** Listener and server settings every test gateway gets unless the YAML sets its own. */
function withTestListeners(yaml: string, dataDir: string): string {
  const head = [
    yaml.includes('listeners:') ? '' : `listeners:\n  proxy: { host: 127.0.0.1, port: 0 }\n  admin: { host: 127.0.0.1, port: 0, token: ${ADMIN_TOKEN} }\n`,
    yaml.includes('server:') ? '' : `server: { data_dir: ${JSON.stringify(dataDir)}, drain_timeout: 5s }\n`,
  ].join('');
  return head + yaml;
}

export async function startGateway(yaml: string, env: NodeJS.ProcessEnv = {}): Promise<TestGateway> {
  const dir = mkdtempSync(join(tmpdir(), 'unigate-test-'));
  const configPath = join(dir, 'unigate.yaml');
  const write = (text: string) => writeFileSync(configPath, withTestListeners(text, join(dir, 'data')));
  write(yaml);
  const logs = new LogCapture();
  const { readFileSync } = await import('node:fs');
  const config = loadConfigText(readFileSync(configPath, 'utf8'), configPath, env);
  const gateway = await Gateway.start({ configPath, config, logger: logs.logger(), env });
  return {
    gateway,
    url: gateway.proxyUrl,
    adminUrl: gateway.adminUrl,
    logs,
    configPath,
    writeConfig: write,
    close: () => gateway.shutdown(),
  };
}
