import { contentSecurityPolicy, dashboardContentSecurityPolicy } from './security-headers';

describe('content security policy', () => {
  it('allows audio and fetches from the public storage endpoint, else the internal one', () => {
    const policy = contentSecurityPolicy({ S3_ENDPOINT: 'http://minio:9000', S3_PUBLIC_ENDPOINT: 'https://audio.example.com/bucket', OIDC_ISSUER: undefined });
    expect(policy['media-src']).toEqual(["'self'", 'blob:', 'https://audio.example.com']);
    expect(policy['connect-src']).toEqual(["'self'", 'https://audio.example.com']);
    expect(contentSecurityPolicy({ S3_ENDPOINT: 'http://127.0.0.1:4568', S3_PUBLIC_ENDPOINT: undefined, OIDC_ISSUER: undefined })['media-src']).toContain(
      'http://127.0.0.1:4568',
    );
  });

  it("names the OpenID Connect issuer's origin for its endpoints and silent renewal, and nothing else", () => {
    const policy = contentSecurityPolicy({ S3_ENDPOINT: undefined, S3_PUBLIC_ENDPOINT: undefined, OIDC_ISSUER: 'https://id.example.com/realms/parley' });
    expect(policy['connect-src']).toEqual(["'self'", 'https://id.example.com']);
    expect(policy['frame-src']).toEqual(['https://id.example.com']);
    const without = contentSecurityPolicy({ S3_ENDPOINT: undefined, S3_PUBLIC_ENDPOINT: undefined, OIDC_ISSUER: undefined });
    expect(without['connect-src']).toEqual(["'self'"]);
    expect(without['frame-src']).toEqual(["'none'"]);
  });

  it('keeps scripts on our origin (and the worklet blob) and inline styles to the dashboard', () => {
    const config = { S3_ENDPOINT: undefined, S3_PUBLIC_ENDPOINT: undefined, OIDC_ISSUER: undefined };
    expect(contentSecurityPolicy(config)['script-src']).toEqual(["'self'", 'blob:']);
    expect(contentSecurityPolicy(config)['style-src']).toEqual(["'self'"]);
    expect(dashboardContentSecurityPolicy(config)['style-src']).toEqual(["'self'", "'unsafe-inline'"]);
    expect(dashboardContentSecurityPolicy(config)['script-src']).toEqual(["'self'", 'blob:']);
  });
});
