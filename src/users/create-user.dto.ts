import { IsEmail, IsIn, IsOptional, IsString, IsUUID, MaxLength, MinLength } from 'class-validator';
import { Role, ROLES } from '../common/auth/actor';

export class CreateUserDto {
  @IsEmail()
  @MaxLength(254)
  email: string;

  @IsString()
  @MinLength(8)
  @MaxLength(200)
  password: string;

  @IsIn(ROLES)
  role: Role;

  /** Required for role SCHOOL, refused for the others. */
  @IsOptional()
  @IsUUID()
  schoolId?: string;
}

export class UserResponse {
  id: string;
  email: string;
  role: Role;
  schoolId: string | null;
}
