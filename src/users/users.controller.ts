import { Body, Controller, Param, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../common/auth/actor';
import { CurrentActor, Roles } from '../common/auth/auth.decorators';
import {
  CreateUserDto,
  UpdatedUserResponse,
  UpdateUserDto,
  UserIdParam,
  UserResponse,
} from './create-user.dto';
import { UsersService } from './users.service';

@ApiTags('auth and users')
@ApiBearerAuth()
@Controller('users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Post()
  @Roles('ADMIN')
  create(@CurrentActor() actor: Actor, @Body() dto: CreateUserDto): Promise<UserResponse> {
    return this.users.create(actor, dto);
  }

  /** Disables (or enables again) a user: a disabled user's tokens stop working at once. Audited. */
  @Patch(':id')
  @Roles('ADMIN')
  update(
    @CurrentActor() actor: Actor,
    @Param() { id }: UserIdParam,
    @Body() dto: UpdateUserDto,
  ): Promise<UpdatedUserResponse> {
    return this.users.update(actor, id, dto);
  }
}
