import { applyDecorators, Controller, UseFilters } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Role } from '../common/auth/actor';
import { SessionAuth } from '../common/auth/auth.decorators';
import { ConsoleErrorFilter } from './console-error.filter';

/** An entry of the main menu (Hoofdmenu): the page's name, address and who sees it. */
export interface MenuEntry {
  label: string;
  path: string;
  roles: readonly Role[];
  /** Position in the menu, low first. */
  order: number;
}

const MENU: MenuEntry[] = [];

/** The menu a role sees, in order. */
export function menuFor(role: Role): MenuEntry[] {
  return MENU.filter((entry) => entry.roles.includes(role)).sort((a, b) => a.order - b.order);
}

/**
 * A console page controller: served under `/console`, signed in through the console session (the same
 * guard, roles and services as the API), errors as HTML pages, left out of the API's OpenAPI document.
 * With `menu` entries, the page is in the main menu of those roles. Adding a page is this controller and its template.
 */
export function ConsolePage(
  path: string,
  ...menu: (Omit<MenuEntry, 'path'> & { path?: string })[]
): ClassDecorator {
  for (const entry of menu) MENU.push({ ...entry, path: entry.path ?? `/console/${path}` });
  return applyDecorators(
    Controller(path ? `console/${path}` : 'console'),
    SessionAuth(),
    UseFilters(ConsoleErrorFilter),
    ApiExcludeController(),
  );
}

export const REVIEWERS: readonly Role[] = ['AUDITOR', 'DUO', 'ADMIN'];
