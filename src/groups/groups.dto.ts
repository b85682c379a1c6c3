import { IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';
import { IsSchoolKey, SchoolFilterQuery } from '../submissions/submissions.dto';
import { Route, ROUTES } from '../common/vocabulary';

export class CreateGroupDto {
  /** Unique per school. */
  @IsSchoolKey()
  code: string;

  @IsIn(ROUTES)
  route: Route;

  /** 1 to 100; defaults to the route's maximum. */
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(100)
  maxSize?: number;
}

export class ListGroupsQuery extends SchoolFilterQuery {
  @IsOptional()
  @IsSchoolKey()
  code?: string;

  @IsOptional()
  @IsIn(ROUTES)
  route?: Route;
}

export class GroupResponse {
  id: string;
  schoolId: string;
  code: string;
  route: Route;
  /** The group's own maximum, or the route's maximum when it set none. */
  maxSize: number;
  createdAt: Date;
}
