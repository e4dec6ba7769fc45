# The collector (ingest, store, queries) and its simulator share this image.
FROM node:20-bookworm-slim
WORKDIR /app
COPY package.json package-lock.json ./
COPY collector/package.json collector/package.json
RUN npm ci --workspace collector --include-workspace-root=false --omit=dev --no-audit --no-fund
COPY src/model src/model
COPY collector collector
ENV HOST=0.0.0.0 PORT=8600 DATA_DIR=/data
VOLUME /data
EXPOSE 8600
ENTRYPOINT ["node", "collector/bin/collector.mjs"]
CMD ["serve"]
