import { ValueTransformer } from 'typeorm';

/** numeric and bigint columns arrive from pg as strings; the API speaks numbers. */
export const numericColumn: ValueTransformer = {
  to: (value: number | null | undefined) => value,
  from: (value: string | null) => (value === null ? null : Number(value)),
};
