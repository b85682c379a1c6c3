/**
 * Sane bounds of what a school submits (the docs ask for "positive and within sane bounds"):
 * a whole integration route is about 600 to 1,200 hours and a DUO loan at most EUR 10,000, so
 * anything beyond these is a typing error rather than a real contract, invoice or declaration.
 */
export const MAX_SUBMITTED_HOURS = 2000;
/** EUR 50,000 in cents. */
export const MAX_SUBMITTED_CENTS = 5_000_000;
