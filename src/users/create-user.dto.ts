import { IsBoolean, IsEmail, IsIn, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { Role, ROLES } from '../common/auth/actor';
import { IsAcceptablePassword } from './password-policy';

export class CreateUserDto {
  @IsEmail()
  @MaxLength(254)
  email: string;

  @IsString()
  @MaxLength(200)
  @IsAcceptablePassword()
  password: string;

  @IsIn(ROLES)
  role: Role;

  /** Required for role SCHOOL, refused for the others. */
  @IsOptional()
  @IsUUID()
  schoolId?: string;
}

/** `PATCH /users/{id}`: disabling stops the user's tokens at once and refuses its logins. */
export class UpdateUserDto {
  @IsBoolean()
  disabled: boolean;
}

export class UserIdParam {
  @IsUUID()
  id: string;
}

export class UserResponse {
  id: string;
  email: string;
  role: Role;
  schoolId: string | null;
}

/** The answer of `PATCH /users/{id}`. */
export class UpdatedUserResponse extends UserResponse {
  /** Whether an ADMIN disabled the account. */
  disabled: boolean;
}
