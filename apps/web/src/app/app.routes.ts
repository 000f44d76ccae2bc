import type { Routes } from '@angular/router';
import { loginOfferedGuard } from './auth/login.guard';

export const routes: Routes = [
  {
    path: '',
    pathMatch: 'full',
    title: 'Fleet · Flotilla',
    loadComponent: () => import('./fleet/fleet-page.component').then((m) => m.FleetPageComponent),
  },
  {
    path: 'containers/:host/:id',
    title: 'Container · Flotilla',
    loadComponent: () =>
      import('./fleet/container-page.component').then((m) => m.ContainerPageComponent),
  },
  {
    path: 'containers/:ref',
    title: 'Container · Flotilla',
    loadComponent: () =>
      import('./fleet/container-lookup-page.component').then((m) => m.ContainerLookupPageComponent),
  },
  {
    // `?project=<name>`: every container of a compose project.
    path: 'logs',
    title: 'Logs · Flotilla',
    loadComponent: () => import('./logs/logs-page.component').then((m) => m.LogsPageComponent),
  },
  {
    path: 'logs/:host/:id',
    title: 'Logs · Flotilla',
    loadComponent: () => import('./logs/logs-page.component').then((m) => m.LogsPageComponent),
  },
  {
    // `?q=&host=&container=&project=&label=&since=&until=&limit=`: the search to run.
    path: 'search',
    title: 'Search · Flotilla',
    loadComponent: () =>
      import('./search/search-page.component').then((m) => m.SearchPageComponent),
  },
  {
    path: 'timeline',
    title: 'Timeline · Flotilla',
    loadComponent: () =>
      import('./timeline/timeline-page.component').then((m) => m.TimelinePageComponent),
  },
  {
    // Admins of the whole fleet; everyone else is told so (the gateway refuses them anyway).
    path: 'alerts',
    title: 'Alerts · Flotilla',
    loadComponent: () =>
      import('./alerts/alerts-page.component').then((m) => m.AlertsPageComponent),
  },
  {
    path: 'login',
    title: 'Sign in · Flotilla',
    canActivate: [loginOfferedGuard],
    loadComponent: () => import('./auth/login-page.component').then((m) => m.LoginPageComponent),
  },
  { path: '**', redirectTo: '' },
];
