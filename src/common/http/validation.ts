import { ArgumentMetadata, ValidationError, ValidationPipe } from '@nestjs/common';
import { InvalidParam, ValidationProblem } from '../errors/problems';
import { hostileFields } from './hostile-input';

function flatten(errors: ValidationError[], prefix = ''): InvalidParam[] {
  return errors.flatMap((error) => {
    const name = prefix ? `${prefix}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((reason) => ({ name, reason }));
    return [...own.slice(0, 1), ...flatten(error.children ?? [], name)];
  });
}

/** Validation that first refuses what no field may hold (NUL characters, prototype keys: see hostile-input.ts). */
class StrictValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type !== 'custom') {
      const hostile = hostileFields(value);
      if (hostile.length > 0) throw new ValidationProblem(hostile);
    }
    return super.transform(value, metadata);
  }
}

/** The one strict pipe: unknown fields are refused, every offending field is named once. */
export function strictValidationPipe(): ValidationPipe {
  return new StrictValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    forbidUnknownValues: true,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => new ValidationProblem(flatten(errors)),
  });
}
