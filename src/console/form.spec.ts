import { formDecimal, formRows } from './form';

describe('form rows', () => {
  const fields = ['schoolKvk', 'hours'] as const;

  it('reads name[i][field] per row, drops wholly empty rows and keeps the empty fields of a filled one', () => {
    const body = {
      'p[0][schoolKvk]': ' ',
      'p[0][hours]': '',
      'p[1][schoolKvk]': '12345678',
      'p[2][hours]': '12',
      'p[3][schoolKvk]': 'beyond the count',
    };
    expect(formRows(body, 'p', fields, 3)).toEqual([
      { schoolKvk: '12345678', hours: '' },
      { schoolKvk: '', hours: '12' },
    ]);
  });

  it('reads a Dutch decimal as a number and leaves anything else for the DTO to refuse', () => {
    expect(formDecimal('12,5')).toBe(12.5);
    expect(formDecimal('240')).toBe(240);
    expect(formDecimal('')).toBe('');
    expect(formDecimal('1e3')).toBe('1e3');
    expect(formDecimal('0x10')).toBe('0x10');
  });
});
