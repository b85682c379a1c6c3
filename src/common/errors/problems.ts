import { HttpStatus } from '@nestjs/common';

export interface InvalidParam {
  name: string;
  reason: string;
}

/**
 * A domain error with an HTTP meaning. The global filter renders it as application/problem+json
 * (RFC 9457). Messages are written for the client: never put a BSN or internal detail in them.
 */
export class Problem extends Error {
  constructor(
    readonly status: HttpStatus,
    readonly title: string,
    readonly detail: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(detail);
  }

  get type(): string {
    return `https://taalschool-compliance.example/problems/${this.title.toLowerCase().replace(/[^a-z]+/g, '-')}`;
  }
}

export class ValidationProblem extends Problem {
  constructor(
    readonly invalidParams: InvalidParam[],
    detail = 'The request has invalid fields.',
  ) {
    super(HttpStatus.BAD_REQUEST, 'Bad Request', detail, { invalidParams });
  }
}

export class NotFoundProblem extends Problem {
  constructor(what: string) {
    super(HttpStatus.NOT_FOUND, 'Not Found', `${what} does not exist.`);
  }
}

export class ConflictProblem extends Problem {
  constructor(field: string, detail: string) {
    super(HttpStatus.CONFLICT, 'Conflict', detail, { invalidParams: [{ name: field, reason: detail }] });
  }
}

/** 422: well-formed, but breaks a domain rule. `field` names the offending field when there is one. */
export class RuleViolationProblem extends Problem {
  constructor(detail: string, field?: string) {
    super(
      HttpStatus.UNPROCESSABLE_ENTITY,
      'Unprocessable Content',
      detail,
      field ? { invalidParams: [{ name: field, reason: detail }] } : {},
    );
  }
}

export class ForbiddenProblem extends Problem {
  constructor(detail = 'Your role may not do this.') {
    super(HttpStatus.FORBIDDEN, 'Forbidden', detail);
  }
}

export class UnauthorizedProblem extends Problem {
  constructor(detail = 'A valid bearer token is required.') {
    super(HttpStatus.UNAUTHORIZED, 'Unauthorized', detail);
  }
}

export class TooManyRequestsProblem extends Problem {
  constructor(detail: string) {
    super(HttpStatus.TOO_MANY_REQUESTS, 'Too Many Requests', detail);
  }
}
