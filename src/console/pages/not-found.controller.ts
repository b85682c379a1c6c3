import { All } from '@nestjs/common';
import { Public } from '../../common/auth/auth.decorators';
import { NotFoundProblem } from '../../common/errors/problems';
import { ConsolePage } from '../console-page';

/** Any other address under /console: the console's 404 page, not the API's problem+json. */
@ConsolePage('')
export class NotFoundPageController {
  @Public()
  @All('*path')
  notFound(): never {
    throw new NotFoundProblem('Page');
  }
}
