import { InvalidParam, NotFoundProblem, ValidationProblem } from '../common/errors/problems';
import { RULE_CODES, RuleCode, ruleOf } from './catalogue';
import { UpdateRuleDto } from './rules.dto';

/** Parameters that are objects (routeMaxima) are merged key by key; the rest replaced. */
export function mergeParameters(
  current: Record<string, unknown>,
  changes: Record<string, unknown>,
): Record<string, unknown> {
  const merged = { ...current };
  for (const [key, value] of Object.entries(changes)) {
    const before = current[key];
    merged[key] = typeof before === 'object' && before !== null ? { ...before, ...(value as object) } : value;
  }
  return merged;
}

/** The rule's code, once the change is known to fit it: 404 for an unknown rule, 400 per wrong parameter. */
export function validChange(code: string, dto: UpdateRuleDto): RuleCode {
  if (!(RULE_CODES as readonly string[]).includes(code)) throw new NotFoundProblem('Rule');
  const ruleCode = code as RuleCode;
  const invalid: InvalidParam[] = Object.entries(dto.parameters ?? {}).flatMap(([key, value]) => {
    const type = Object.hasOwn(ruleOf(ruleCode).parameters, key)
      ? ruleOf(ruleCode).parameters[key].type
      : undefined;
    if (!type) return [{ name: `parameters.${key}`, reason: `is not a parameter of ${code}` }];
    const reason = type.validate(value);
    return reason ? [{ name: `parameters.${key}`, reason: `${key} ${reason}` }] : [];
  });
  if (invalid.length > 0) throw new ValidationProblem(invalid);
  return ruleCode;
}
