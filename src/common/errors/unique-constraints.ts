/** Which field a unique constraint guards, so a 409 can name it. Constraint names come from migrations. */
const fieldsByConstraint: Record<string, string> = {
  schools_kvk_number_key: 'kvkNumber',
  users_email_key: 'email',
  teachers_school_reference_key: 'reference',
  groups_school_code_key: 'code',
  lessons_natural_key: 'startsAt',
  contracts_school_reference_key: 'reference',
  invoices_school_number_key: 'invoiceNumber',
};

export function uniqueViolationField(constraint: string | undefined): string {
  return (constraint && fieldsByConstraint[constraint]) || 'id';
}
