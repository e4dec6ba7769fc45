export const DATASOURCE_TYPE = 'rtc-sessiontelemetry-datasource';

export enum ROUTES {
  Sessions = 'sessions',
}
