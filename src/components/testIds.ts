export const testIds = {
  appConfig: {
    container: 'data-testid ac-container',
  },
  sessions: {
    container: 'data-testid sessions-container',
    search: 'data-testid sessions-search',
    table: 'data-testid sessions-table',
    empty: 'data-testid sessions-empty',
    error: 'data-testid sessions-error',
    noDatasource: 'data-testid sessions-no-datasource',
  },
};
