# Builds the plugin (frontend bundle and Go backend) into ./dist for the Grafana container.
FROM golang:1.26-bookworm AS go
FROM node:20-bookworm
COPY --from=go /usr/local/go /usr/local/go
ENV PATH=/usr/local/go/bin:$PATH CGO_ENABLED=0
WORKDIR /src
COPY package.json package-lock.json ./
COPY collector/package.json collector/package.json
RUN npm ci --no-audit --no-fund
COPY go.mod go.sum ./
RUN go mod download
COPY . .
CMD ["sh", "-c", "npm run build && npm run build:backend && cp -a dist/. /out/"]
