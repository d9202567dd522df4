/**
 * Tensor contents of the Open Inference Protocol v2, read and written in
 * both forms the protocol allows: typed (`InferTensorContents`) and raw
 * (`raw_input_contents` / `raw_output_contents`: elements flattened in
 * row-major order, little-endian; a BYTES element is a 4-byte little-endian
 * length followed by its bytes, as Triton lays it out).
 */
import type { InferTensorContents, InferTensorContents__Output } from '../grpc/generated/inference/InferTensorContents';

/** A tensor's contents do not match its datatype or shape; the message names the tensor. */
export class TensorFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TensorFormatError';
  }
}

interface NumericType {
  readonly size: number;
  read(view: DataView, offset: number): number;
  write(view: DataView, offset: number, value: number): void;
  typed(contents: InferTensorContents__Output): readonly (number | string)[];
  contents(values: readonly number[]): InferTensorContents;
}

const NUMERIC: Readonly<Record<string, NumericType>> = {
  FP32: {
    size: 4,
    read: (v, o) => v.getFloat32(o, true),
    write: (v, o, x) => v.setFloat32(o, x, true),
    typed: (c) => c.fp32Contents,
    contents: (values) => ({ fp32Contents: [...values] }),
  },
  FP64: {
    size: 8,
    read: (v, o) => v.getFloat64(o, true),
    write: (v, o, x) => v.setFloat64(o, x, true),
    typed: (c) => c.fp64Contents,
    contents: (values) => ({ fp64Contents: [...values] }),
  },
  INT32: {
    size: 4,
    read: (v, o) => v.getInt32(o, true),
    write: (v, o, x) => v.setInt32(o, x, true),
    typed: (c) => c.intContents,
    contents: (values) => ({ intContents: [...values] }),
  },
  INT64: {
    size: 8,
    read: (v, o) => Number(v.getBigInt64(o, true)),
    write: (v, o, x) => v.setBigInt64(o, BigInt(Math.trunc(x)), true),
    typed: (c) => c.int64Contents,
    contents: (values) => ({ int64Contents: values.map((x) => String(Math.trunc(x))) }),
  },
};

/** The element count of a shape; throws when a dimension is negative or not an integer. */
export function elementCount(name: string, shape: readonly (string | number)[]): number {
  return shape.reduce<number>((count, dim) => {
    const n = Number(dim);
    if (!Number.isSafeInteger(n) || n < 0)
      throw new TensorFormatError(`tensor ${name} has shape [${shape.join(', ')}]; every dimension must be a whole number of 0 or more`);
    return count * n;
  }, 1);
}

function checkCount(name: string, got: number, expected: number): void {
  if (got !== expected) throw new TensorFormatError(`tensor ${name} has ${got} elements; its shape needs ${expected}`);
}

/** The elements of a numeric tensor, from its typed contents or its raw bytes (exactly one of them). */
export function readNumbers(
  name: string,
  datatype: string,
  expected: number,
  contents: InferTensorContents__Output | null,
  raw: Buffer | undefined,
): number[] {
  const type = NUMERIC[datatype];
  if (!type) throw new TensorFormatError(`tensor ${name} has datatype ${datatype}; expected one of ${Object.keys(NUMERIC).join(', ')}`);
  if (raw !== undefined) {
    if (raw.length !== expected * type.size) {
      throw new TensorFormatError(
        `tensor ${name} has ${raw.length} raw bytes; ${expected} ${datatype} elements take ${expected * type.size}`,
      );
    }
    const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    return Array.from({ length: expected }, (_, i) => type.read(view, i * type.size));
  }
  const values = contents ? type.typed(contents) : [];
  checkCount(name, values.length, expected);
  return values.map(Number);
}

/** The elements of a BYTES tensor, from its typed contents or its raw bytes (exactly one of them). */
export function readBytes(name: string, expected: number, contents: InferTensorContents__Output | null, raw: Buffer | undefined): Buffer[] {
  if (raw === undefined) {
    const values = contents?.bytesContents ?? [];
    checkCount(name, values.length, expected);
    return values;
  }
  const out: Buffer[] = [];
  let offset = 0;
  while (offset < raw.length) {
    // Stop at the first element past the shape: a sender must not make us parse more than it declared.
    if (out.length === expected)
      throw new TensorFormatError(`tensor ${name} has more than ${expected} raw BYTES elements; its shape needs ${expected}`);
    if (offset + 4 > raw.length)
      throw new TensorFormatError(`tensor ${name}: raw BYTES element ${out.length} is cut short in its 4-byte length`);
    const length = raw.readUInt32LE(offset);
    offset += 4;
    if (offset + length > raw.length)
      throw new TensorFormatError(`tensor ${name}: raw BYTES element ${out.length} says ${length} bytes but ${raw.length - offset} remain`);
    out.push(raw.subarray(offset, offset + length));
    offset += length;
  }
  checkCount(name, out.length, expected);
  return out;
}

export function rawNumbers(datatype: string, values: readonly number[]): Buffer {
  const type = NUMERIC[datatype];
  if (!type) throw new TensorFormatError(`cannot write datatype ${datatype}`);
  const raw = Buffer.alloc(values.length * type.size);
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  values.forEach((x, i) => type.write(view, i * type.size, x));
  return raw;
}

export function typedNumbers(datatype: string, values: readonly number[]): InferTensorContents {
  const type = NUMERIC[datatype];
  if (!type) throw new TensorFormatError(`cannot write datatype ${datatype}`);
  return type.contents(values);
}

export function rawBytes(values: readonly (Buffer | string)[]): Buffer {
  return Buffer.concat(
    values.flatMap((value) => {
      const bytes = typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
      const length = Buffer.alloc(4);
      length.writeUInt32LE(bytes.length);
      return [length, bytes];
    }),
  );
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/** A BYTES element as text; throws when it is not UTF-8. */
export function utf8(name: string, index: number, bytes: Buffer): string {
  try {
    return UTF8.decode(bytes);
  } catch {
    throw new TensorFormatError(`tensor ${name}, element ${index} is not valid UTF-8 text`);
  }
}
