import { describe, expect, it } from 'vitest';
import { detectFileFormat } from '../../../../lambdas/sources/files/detect-file-format.js';

describe('Function: detectFileFormat', () => {
  it.each([
    ['.env', 'A=1', 'dotenv'],
    ['production.env', 'A=1', 'dotenv'],
    ['.env.production', 'A=1', 'dotenv'],
    ['ssm.json', '{"Parameters":[{"Name":"/a/b","Type":"String","Value":"1"}]}', 'ssm-export'],
    ['params.json', '{"Parameters":[{"Name":"/a/b","Type":"SecureString","Version":1}]}', 'ssm-describe'],
    ['anything.json', '{"apiVersion":"v1","kind":"List","items":[]}', 'kubernetes'],
    ['objects.json', '{"kind":"DeploymentList","items":[]}', 'kubernetes'],
    ['deploy.yaml', '# comment\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: a\n', 'kubernetes'],
    ['config.yml', 'database:\n  pool_size: 20\n', 'app-config'],
    ['config.json', '{"kind": "of a setting"}', 'app-config'],
    ['settings', 'PORT=8080\n# comment\nexport HOST=a\n', 'dotenv'],
    ['settings', '{"database": {"port": 1}}', 'app-config'],
  ])('infers %s as its format from the content', (name, content, format) => {
    expect(detectFileFormat(name, content)).toBe(format);
  });

  it.each([
    ['ssm-describe.json', 'ssm-describe'],
    ['production-eu/ssm.json', 'ssm-export'],
    ['kubernetes.json', 'kubernetes'],
    ['app-config.json', 'app-config'],
    ['notes.txt', undefined],
  ])('falls back to the name of %s when the content does not parse', (name, format) => {
    expect(detectFileFormat(name, '{ broken')).toBe(format);
  });

  it('tells an empty Parameters list apart by name only', () => {
    expect(detectFileFormat('ssm-describe.json', '{"Parameters": []}')).toBe('ssm-describe');
    expect(detectFileFormat('ssm.json', '{"Parameters": []}')).toBe('ssm-export');
  });
});
