import React from 'react';
import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { DataSourceSettings } from '@grafana/data';
import { testIds } from '../testIds';
import type { SessionDataSourceOptions, SessionSecureJsonData } from '../types';
import { ConfigEditor, timeoutProblem, urlProblem } from './ConfigEditor';
import { vonageCallbackUrl } from './VonageSettings';

type Options = DataSourceSettings<SessionDataSourceOptions, SessionSecureJsonData>;

function options(overrides: Partial<Options> = {}): Options {
  return {
    id: 1,
    uid: 'ds',
    orgId: 1,
    name: 'Session Telemetry',
    type: 'rtc-sessiontelemetry-datasource',
    typeName: '',
    typeLogoUrl: '',
    access: 'proxy',
    url: '',
    user: '',
    database: '',
    basicAuth: false,
    basicAuthUser: '',
    isDefault: false,
    readOnly: false,
    withCredentials: false,
    jsonData: { collectorUrl: 'http://collector:8600' },
    secureJsonFields: {},
    ...overrides,
  };
}

describe('ConfigEditor', () => {
  it('edits the collector URL in jsonData', async () => {
    const onOptionsChange = jest.fn();
    render(<ConfigEditor options={options({ jsonData: {} })} onOptionsChange={onOptionsChange} />);
    await userEvent.type(screen.getByTestId(testIds.configEditor.collectorUrl), 'h');
    expect(onOptionsChange).toHaveBeenLastCalledWith(expect.objectContaining({ jsonData: { collectorUrl: 'h' } }));
  });

  it('keeps the token in secureJsonData', async () => {
    const onOptionsChange = jest.fn();
    render(<ConfigEditor options={options()} onOptionsChange={onOptionsChange} />);
    await userEvent.type(screen.getByTestId(testIds.configEditor.readToken), 't');
    expect(onOptionsChange).toHaveBeenLastCalledWith(expect.objectContaining({ secureJsonData: { readToken: 't' } }));
  });

  it('a configured token can be reset', async () => {
    const onOptionsChange = jest.fn();
    render(
      <ConfigEditor options={options({ secureJsonFields: { readToken: true } })} onOptionsChange={onOptionsChange} />
    );
    await userEvent.click(screen.getByRole('button', { name: 'Reset' }));
    expect(onOptionsChange).toHaveBeenLastCalledWith(
      expect.objectContaining({ secureJsonFields: { readToken: false }, secureJsonData: { readToken: '' } })
    );
  });

  it('shows why a URL is wrong', () => {
    render(<ConfigEditor options={options({ jsonData: { collectorUrl: 'ftp://x' } })} onOptionsChange={jest.fn()} />);
    expect(screen.getByText('Use an http:// or https:// URL')).toBeInTheDocument();
    expect(urlProblem('not a url')).toBe('Not a valid URL');
    expect(urlProblem('')).toBe('The collector URL is required');
    expect(urlProblem('https://c:8600')).toBeUndefined();
  });

  it('stores the timeout as a number', async () => {
    const onOptionsChange = jest.fn();
    render(<ConfigEditor options={options()} onOptionsChange={onOptionsChange} />);
    await userEvent.type(screen.getByTestId(testIds.configEditor.timeout), '9');
    expect(onOptionsChange).toHaveBeenLastCalledWith(
      expect.objectContaining({ jsonData: { collectorUrl: 'http://collector:8600', timeoutSeconds: 9 } })
    );
  });

  it('explains a timeout it cannot use', () => {
    render(
      <ConfigEditor
        options={options({ jsonData: { collectorUrl: 'http://c:8600', timeoutSeconds: 0 } })}
        onOptionsChange={jest.fn()}
      />
    );
    expect(screen.getByText('The timeout must be a whole number of seconds from 1 to 600')).toBeInTheDocument();
    expect(timeoutProblem(undefined)).toBeUndefined();
    expect(timeoutProblem(30)).toBeUndefined();
    expect(timeoutProblem(2.5)).toMatch(/whole number/);
    expect(timeoutProblem(601)).toMatch(/1 to 600/);
  });

  it('says what Save & test checks', () => {
    render(<ConfigEditor options={options()} onOptionsChange={jest.fn()} />);
    expect(screen.getByText(/Save & test asks the collector for its health/)).toBeInTheDocument();
  });

  it('shows the Vonage callback URL to paste, from the collector URL or the one Vonage reaches', async () => {
    const onOptionsChange = jest.fn();
    const { rerender } = render(<ConfigEditor options={options()} onOptionsChange={onOptionsChange} />);
    expect(screen.getByTestId(testIds.configEditor.vonageCallbackUrl)).toHaveTextContent(
      'http://collector:8600/api/v1/vonage/callbacks?secret=<callback secret>'
    );
    await userEvent.type(screen.getByTestId(testIds.configEditor.vonagePublicUrl), 'h');
    expect(onOptionsChange).toHaveBeenLastCalledWith(
      expect.objectContaining({ jsonData: { collectorUrl: 'http://collector:8600', vonagePublicUrl: 'h' } })
    );
    rerender(
      <ConfigEditor
        options={options({
          jsonData: { collectorUrl: 'http://collector:8600', vonagePublicUrl: 'https://si.example/' },
        })}
        onOptionsChange={onOptionsChange}
      />
    );
    expect(screen.getByTestId(testIds.configEditor.vonageCallbackUrl)).toHaveTextContent(
      'https://si.example/api/v1/vonage/callbacks?secret=<callback secret>'
    );
    expect(vonageCallbackUrl(undefined)).toBeUndefined();
  });

  it('asks for no Vonage secret: the only secret field is the read token', () => {
    render(<ConfigEditor options={options()} onOptionsChange={jest.fn()} />);
    expect(screen.getAllByPlaceholderText(/token|secret/i).map((e) => e.getAttribute('placeholder'))).toEqual([
      'read token',
    ]);
    expect(screen.getByText(/never here/)).toBeInTheDocument();
  });

  it('TLS: a switch sets the flag the backend reads, and the CA certificate goes to secureJsonData', async () => {
    const onOptionsChange = jest.fn();
    const { rerender } = render(<ConfigEditor options={options()} onOptionsChange={onOptionsChange} />);
    expect(screen.queryByText('CA Cert')).toBeNull();
    await userEvent.click(screen.getByTestId(testIds.configEditor.tlsAuthWithCACert));
    const withCA: Options = onOptionsChange.mock.lastCall[0];
    expect(withCA.jsonData).toEqual({ collectorUrl: 'http://collector:8600', tlsAuthWithCACert: true });
    rerender(<ConfigEditor options={withCA} onOptionsChange={onOptionsChange} />);
    await userEvent.type(screen.getByPlaceholderText(/Begins with -----BEGIN CERTIFICATE-----/), 'P');
    expect(onOptionsChange).toHaveBeenLastCalledWith(expect.objectContaining({ secureJsonData: { tlsCACert: 'P' } }));
  });
});
