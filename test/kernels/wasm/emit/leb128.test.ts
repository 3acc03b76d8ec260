// LEB128 against the worked examples of the DWARF specification and the WebAssembly binary format.

import { signedLeb128, unsignedLeb128 } from '../../../../kernels/wasm/emit/leb128.js';

describe('unsignedLeb128', () => {
  it('encodes seven bits per byte, low group first, with a continuation bit', () => {
    expect(unsignedLeb128(0)).toEqual([0x00]);
    expect(unsignedLeb128(127)).toEqual([0x7f]);
    expect(unsignedLeb128(128)).toEqual([0x80, 0x01]);
    expect(unsignedLeb128(624485)).toEqual([0xe5, 0x8e, 0x26]);
    expect(unsignedLeb128(0xffffffff)).toEqual([0xff, 0xff, 0xff, 0xff, 0x0f]);
  });

  it('refuses what is not a u32', () => {
    expect(() => unsignedLeb128(-1)).toThrow('unsignedLeb128: -1 is not a u32');
    expect(() => unsignedLeb128(2 ** 32)).toThrow(RangeError);
    expect(() => unsignedLeb128(1.5)).toThrow(RangeError);
  });
});

describe('signedLeb128', () => {
  it('stops once the rest is the sign bit repeated', () => {
    expect(signedLeb128(0)).toEqual([0x00]);
    expect(signedLeb128(-1)).toEqual([0x7f]);
    expect(signedLeb128(63)).toEqual([0x3f]);
    expect(signedLeb128(64)).toEqual([0xc0, 0x00]);
    expect(signedLeb128(-64)).toEqual([0x40]);
    expect(signedLeb128(-65)).toEqual([0xbf, 0x7f]);
    expect(signedLeb128(-123456)).toEqual([0xc0, 0xbb, 0x78]);
    expect(signedLeb128(-2147483648)).toEqual([0x80, 0x80, 0x80, 0x80, 0x78]);
  });

  it('refuses what is not an i32', () => {
    expect(() => signedLeb128(2 ** 31)).toThrow('signedLeb128: 2147483648 is not an i32');
  });
});
