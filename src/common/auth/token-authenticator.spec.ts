import { JwtService } from '@nestjs/jwt';
import { Callers, KnownCaller } from './callers';
import { TokenAuthenticator } from './token-authenticator';

describe('TokenAuthenticator', () => {
  const userId = '6b0f7c1e-2f8a-4b5e-9c1d-3a2b1c0d9e8f';
  const caller: KnownCaller = {
    actor: { id: userId, role: 'SCHOOL', schoolId: 'school-1' },
    schoolClosedOn: null,
    disabled: false,
  };
  const jwt = new JwtService({ secret: 'a-test-secret-that-is-long-enough-0123456789' });
  const setup = (read: jest.Mock = jest.fn().mockResolvedValue(caller)) => {
    const verify = jest.spyOn(jwt, 'verifyAsync');
    return { tokens: new TokenAuthenticator(jwt, { read } as unknown as Callers), verify, read };
  };
  afterEach(() => jest.restoreAllMocks());

  it('checks a token’s signature once, and reads its user on every request', async () => {
    const { tokens, verify, read } = setup();
    const token = await jwt.signAsync({ sub: userId }, { expiresIn: 60 });
    expect(await tokens.caller(token)).toBe(caller);
    expect(await tokens.caller(token)).toBe(caller);
    expect(verify).toHaveBeenCalledTimes(1);
    expect(read).toHaveBeenCalledTimes(2); // a disabled account still stops at once
  });

  it('refuses a remembered token once it has expired', async () => {
    const { tokens, verify } = setup();
    const token = await jwt.signAsync({ sub: userId }, { expiresIn: 60 });
    await tokens.caller(token);
    const later = Date.now() + 61_000;
    jest.spyOn(Date, 'now').mockImplementation(() => later);
    await expect(tokens.caller(token)).rejects.toMatchObject({ status: 401 });
    expect(verify).toHaveBeenCalledTimes(2);
  });

  it('remembers no token whose signature fails, nor a disabled user', async () => {
    const disabled = jest.fn().mockResolvedValue({ ...caller, disabled: true });
    const { tokens, verify } = setup(disabled);
    const token = await jwt.signAsync({ sub: userId }, { expiresIn: 60 });
    const forged = `${token.slice(0, -2)}${token.endsWith('AA') ? 'BB' : 'AA'}`;
    await expect(tokens.caller(forged)).rejects.toMatchObject({ status: 401 });
    await expect(tokens.caller(forged)).rejects.toMatchObject({ status: 401 });
    expect(verify).toHaveBeenCalledTimes(2);
    await expect(tokens.caller(token)).rejects.toMatchObject({ status: 401 });
    await expect(tokens.caller(token)).rejects.toMatchObject({ status: 401 });
  });
});
