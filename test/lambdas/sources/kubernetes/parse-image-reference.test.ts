import { describe, expect, it } from 'vitest';
import { parseImageReference } from '../../../../lambdas/sources/kubernetes/parse-image-reference.js';

describe('Function: parseImageReference', () => {
  it.each([
    ['nginx', { repository: 'nginx' }],
    ['nginx:1.25', { repository: 'nginx', tag: '1.25' }],
    ['registry:5000/team/app', { repository: 'registry:5000/team/app' }],
    ['registry:5000/team/app:1.2.3', { repository: 'registry:5000/team/app', tag: '1.2.3' }],
    ['registry:5000/team/app:1.2.3@sha256:0123abcd', { repository: 'registry:5000/team/app', tag: '1.2.3', digest: 'sha256:0123abcd' }],
    ['registry:5000/team/app@sha256:0123abcd', { repository: 'registry:5000/team/app', digest: 'sha256:0123abcd' }],
    [
      '123456789012.dkr.ecr.eu-west-1.amazonaws.com/shop/api:2.4.1-rc.1',
      { repository: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/shop/api', tag: '2.4.1-rc.1' },
    ],
    ['[::1]:5000/app:v1', { repository: '[::1]:5000/app', tag: 'v1' }],
  ])('splits %s', (image, expected) => {
    expect(parseImageReference(image)).toEqual(expected);
  });
});
