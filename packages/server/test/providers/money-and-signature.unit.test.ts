import { describe, expect, it } from 'vitest';
import { fromDecimalString, minorUnits, toDecimalString } from '../../src/providers/payments/index.ts';
import { constantTimeEqual, parseSignatureHeader } from '../../src/providers/payments/signature.ts';

describe('amounts in the currency unit', () => {
  it('converts minor units to exact decimal strings and back', () => {
    expect(toDecimalString(1500, 'XOF')).toBe('1500');
    expect(toDecimalString(20_000, 'XAF')).toBe('20000');
    expect(toDecimalString(499, 'EUR')).toBe('4.99');
    expect(toDecimalString(5, 'USD')).toBe('0.05');
    expect(toDecimalString(0, 'EUR')).toBe('0.00');
    expect(fromDecimalString('4.99', 'EUR')).toBe(499);
    expect(fromDecimalString('4.9', 'EUR')).toBe(490);
    expect(fromDecimalString('1500', 'XOF')).toBe(1500);
    expect(fromDecimalString('1500.00', 'XOF')).toBe(1500);
  });

  it('refuses what is not an exact amount', () => {
    expect(fromDecimalString('4.999', 'EUR')).toBeNull();
    expect(fromDecimalString('1500.5', 'XOF')).toBeNull();
    expect(fromDecimalString('-1', 'EUR')).toBeNull();
    expect(fromDecimalString('1e3', 'XOF')).toBeNull();
    expect(() => toDecimalString(1.5, 'EUR')).toThrow(RangeError);
    expect(() => toDecimalString(-1, 'EUR')).toThrow(RangeError);
    expect(() => minorUnits('BTC')).toThrow('Unknown currency code: "BTC"');
  });
});

describe('signature headers', () => {
  it('reads the timestamp and every v1 signature, ignoring other schemes', () => {
    expect(parseSignatureHeader('t=1700000000,v1=aa,v0=bb,v1=cc')).toEqual({
      timestamp: 1_700_000_000,
      signatures: ['aa', 'cc'],
    });
    expect(parseSignatureHeader(' t=1 , v1=ab ')).toEqual({ timestamp: 1, signatures: ['ab'] });
  });

  it('is null without a timestamp or a v1 signature', () => {
    for (const header of ['', 'v1=aa', 't=1700000000', 't=soon,v1=aa', 't=1,v0=aa', 'garbage']) {
      expect(parseSignatureHeader(header)).toBeNull();
    }
  });

  it('compares strings of any length without an early exit', () => {
    expect(constantTimeEqual('abc', 'abc')).toBe(true);
    expect(constantTimeEqual('abc', 'abd')).toBe(false);
    expect(constantTimeEqual('abc', 'abcd')).toBe(false);
    expect(constantTimeEqual('', '')).toBe(true);
    expect(constantTimeEqual('', 'a')).toBe(false);
  });
});
