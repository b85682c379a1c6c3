import { ValidationError, ValidationPipe } from '@nestjs/common';
import { InvalidParam, ValidationProblem } from '../errors/problems';

function flatten(errors: ValidationError[], prefix = ''): InvalidParam[] {
  return errors.flatMap((error) => {
    const name = prefix ? `${prefix}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((reason) => ({ name, reason }));
    return [...own.slice(0, 1), ...flatten(error.children ?? [], name)];
  });
}

/** The one strict pipe: unknown fields are refused, every offending field is named once. */
export function strictValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    forbidUnknownValues: true,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => new ValidationProblem(flatten(errors)),
  });
}
