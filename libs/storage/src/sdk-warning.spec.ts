import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

/**
 * The AWS SDK warns on Node < 22 (NodeVersionSupportWarning) from every client it builds; our pinned SDK runs on
 * Node 20, so ObjectStorage switches that notice off, with the SDK's documented variable, for every process that
 * uses it. Checked in a fresh process (the warning is emitted once per process) with the variable unset.
 */
describe('the AWS SDK Node-version warning', () => {
  const run = (script: string) => {
    const env = { ...process.env };
    delete env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED;
    delete env.NODE_OPTIONS;
    return spawnSync(process.execPath, ['-e', script], { cwd: join(__dirname, '../../..'), env, encoding: 'utf8' });
  };

  // On Node 22 this fails: then the warning is gone and ObjectStorage's switch can go too.
  it('is printed by a bare S3 client on our Node 20 (so the check below can fail)', () => {
    const res = run("new (require('@aws-sdk/client-s3').S3Client)({ region: 'us-east-1' }); console.log('built')");
    expect(res.stdout.trim()).toBe('built');
    expect(res.stderr).toContain('NodeVersionSupportWarning');
  });

  it('is not printed by ObjectStorage (services build theirs at start)', () => {
    const res = run(`
      const { ObjectStorage } = require('./libs/storage/dist');
      const config = { bucket: 'b', region: 'us-east-1', accessKeyId: 'a', secretAccessKey: 's' };
      new ObjectStorage({ ...config, endpoint: 'http://127.0.0.1:9', publicEndpoint: 'http://localhost:9' });
      console.log('built');
    `);
    expect(res.stdout.trim()).toBe('built');
    expect(res.stderr).not.toMatch(/NodeVersionSupportWarning|Warning/);
  });
});
