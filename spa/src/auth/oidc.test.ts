import { describe, expect, it } from 'vitest';
import { parseAppConfig } from './oidc';

describe('parseAppConfig', () => {
  it('keeps a well-formed OIDC section', () => {
    expect(parseAppConfig({ oidc: { issuer: 'https://idp.example.com', client_id: 'helpdesk', scope: 'openid api', resource: 'urn:helpdesk' } }))
      .toEqual({ oidc: { issuer: 'https://idp.example.com', client_id: 'helpdesk', scope: 'openid api', resource: 'urn:helpdesk', label: undefined } });
  });

  it('turns single sign-on off for anything else', () => {
    expect(parseAppConfig({})).toEqual({});
    expect(parseAppConfig(null)).toEqual({});
    expect(parseAppConfig({ oidc: { issuer: 'javascript:alert(1)', client_id: 'x' } })).toEqual({});
    expect(parseAppConfig({ oidc: { issuer: 'https://idp.example.com', client_id: '' } })).toEqual({});
  });
});
