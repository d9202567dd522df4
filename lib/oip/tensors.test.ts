import { TensorFormatError, elementCount, rawBytes, rawNumbers, readBytes, readNumbers, typedNumbers } from './tensors';
import { fromOipVersion, toOipVersion } from './versions';

const NO_CONTENTS = null;

describe('OIP tensor contents', () => {
  it('reads back BYTES written raw: a 4-byte little-endian length before each element', () => {
    const raw = rawBytes(['héllo', '', 'x']);
    expect(raw.subarray(0, 4)).toEqual(Buffer.from([6, 0, 0, 0]));
    expect(readBytes('text', 3, NO_CONTENTS, raw).map(String)).toEqual(['héllo', '', 'x']);
  });

  it('refuses raw BYTES cut short, or with another element count than the shape', () => {
    const raw = rawBytes(['abc']);
    expect(() => readBytes('text', 1, NO_CONTENTS, raw.subarray(0, 5))).toThrow(
      'tensor text: raw BYTES element 0 says 3 bytes but 1 remain',
    );
    expect(() => readBytes('text', 1, NO_CONTENTS, raw.subarray(0, 2))).toThrow(TensorFormatError);
    expect(() => readBytes('text', 2, NO_CONTENTS, raw)).toThrow('tensor text has 1 elements; its shape needs 2');
  });

  it('stops reading raw BYTES at the first element past the shape', () => {
    // One element declared, then a length that claims far more bytes than follow: refused for the count, not parsed.
    const raw = Buffer.concat([rawBytes(['a']), Buffer.from([0xff, 0xff, 0xff, 0x7f])]);
    expect(() => readBytes('text', 1, NO_CONTENTS, raw)).toThrow('tensor text has more than 1 raw BYTES elements; its shape needs 1');
    expect(() => readBytes('text', 0, NO_CONTENTS, rawBytes(['']))).toThrow('tensor text has more than 0 raw BYTES elements');
  });

  it.each(['FP32', 'FP64', 'INT32', 'INT64'])('reads back %s written raw and typed alike', (datatype) => {
    const values = [1, -2, 300];
    expect(readNumbers('x', datatype, 3, NO_CONTENTS, rawNumbers(datatype, values))).toEqual(values);
    const typed = {
      boolContents: [],
      intContents: [],
      int64Contents: [],
      uintContents: [],
      uint64Contents: [],
      fp32Contents: [],
      fp64Contents: [],
      bytesContents: [],
    };
    const contents = { ...typed, ...typedNumbers(datatype, values) } as typeof typed;
    expect(readNumbers('x', datatype, 3, { ...contents, int64Contents: contents.int64Contents.map(String) }, undefined)).toEqual(values);
  });

  it('refuses raw numbers of the wrong length and datatypes it does not know', () => {
    expect(() => readNumbers('features', 'FP32', 3, NO_CONTENTS, Buffer.alloc(8))).toThrow(
      'tensor features has 8 raw bytes; 3 FP32 elements take 12',
    );
    expect(() => readNumbers('features', 'FP16', 1, NO_CONTENTS, Buffer.alloc(2))).toThrow('tensor features has datatype FP16');
  });

  it('counts the elements of a shape, refusing negative dimensions', () => {
    expect(elementCount('x', ['2', '3'])).toBe(6);
    expect(() => elementCount('x', [-1])).toThrow('tensor x has shape [-1]');
  });
});

describe('OIP versions', () => {
  it('maps v<N> to N and back, and leaves other names alone', () => {
    expect(toOipVersion('v12')).toBe('12');
    expect(fromOipVersion('12')).toBe('v12');
    expect(toOipVersion('canary-a')).toBe('canary-a');
    expect(fromOipVersion('canary-a')).toBe('canary-a');
  });
});
